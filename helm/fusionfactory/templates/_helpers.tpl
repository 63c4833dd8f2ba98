{{/* Chart name. */}}
{{- define "fusionfactory.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Full name: release-chart, or fullnameOverride. */}}
{{- define "fusionfactory.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Name of one service's objects: <fullname>-<service>. Call with (list $ "routing"). */}}
{{- define "fusionfactory.serviceName" -}}
{{- $root := index . 0 }}
{{- printf "%s-%s" (include "fusionfactory.fullname" $root) (index . 1) | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "fusionfactory.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{ include "fusionfactory.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: fusionfactory
{{- end }}

{{- define "fusionfactory.selectorLabels" -}}
app.kubernetes.io/name: {{ include "fusionfactory.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of one component. Call with (list $ "routing"). */}}
{{- define "fusionfactory.componentLabels" -}}
{{ include "fusionfactory.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "fusionfactory.componentSelectorLabels" -}}
{{ include "fusionfactory.selectorLabels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end }}

{{- define "fusionfactory.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "fusionfactory.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "fusionfactory.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}

{{/* Effective settings of one service: serviceDefaults deep-merged under services.<name>. Call with (list $ "routing"); returns YAML. */}}
{{- define "fusionfactory.serviceValues" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $own := index $root.Values.services $name | default dict }}
{{- toYaml (mustMergeOverwrite (deepCopy $root.Values.serviceDefaults) (deepCopy $own)) }}
{{- end }}

{{/* Fails with a clear message when a mandatory value is missing; renders nothing. */}}
{{- define "fusionfactory.validate" -}}
{{- if and (not .Values.database.existingSecret) (not .Values.database.url) }}
{{- fail "database.url is required: the PostgreSQL URL given to every service as DATABASE_URL (--set database.url=postgres://user:password@host:5432/fusion), or name a Secret holding it with database.existingSecret" }}
{{- end }}
{{- $_ := required "kafka.brokers is required: Kafka bootstrap brokers given to every service as KAFKA_BROKERS (--set kafka.brokers=host:9092[,host2:9092])" .Values.kafka.brokers }}
{{- range $name, $svc := .Values.services }}
{{- if not (has $name (list "ingestion" "evaluation" "routing" "thought" "distillation")) }}
{{- fail (printf "services.%s: unknown service (known: ingestion, evaluation, routing, thought, distillation)" $name) }}
{{- end }}
{{- if or (not $svc.grpcPort) (not $svc.httpPort) }}
{{- fail (printf "services.%s.grpcPort and services.%s.httpPort are required" $name $name) }}
{{- end }}
{{- end }}
{{- if and .Values.trainer.enabled (not .Values.trainer.image.repository) }}
{{- fail "trainer.image.repository is required when trainer.enabled=true (the GPU training image)" }}
{{- end }}
{{- end }}

{{/* Secret name and key holding DATABASE_URL. */}}
{{- define "fusionfactory.databaseSecretName" -}}
{{- default (printf "%s-database" (include "fusionfactory.fullname" .)) .Values.database.existingSecret }}
{{- end }}

{{- define "fusionfactory.databaseSecretKey" -}}
{{- if .Values.database.existingSecret }}{{ .Values.database.existingSecretKey }}{{ else }}DATABASE_URL{{ end }}
{{- end }}

{{- define "fusionfactory.backendsConfigMapName" -}}
{{- default (printf "%s-backends" (include "fusionfactory.fullname" .)) .Values.backends.existingConfigMap }}
{{- end }}

{{/* The backends list, with the sample vLLM backend appended when it is deployed and registered. */}}
{{- define "fusionfactory.backendsJson" -}}
{{- $items := .Values.backends.items | default list }}
{{- if and .Values.vllm.enabled .Values.vllm.registerBackend }}
{{- $vllm := dict
      "name" (printf "vllm-%s" .Release.Name)
      "endpoint" (printf "http://%s:%d/v1" (include "fusionfactory.serviceName" (list . "vllm")) (int .Values.vllm.port))
      "model" .Values.vllm.model
      "prices" (dict "inputPerMillionTokens" 0 "outputPerMillionTokens" 0)
      "descriptors" (dict "servedBy" "vllm") }}
{{- $items = append $items $vllm }}
{{- end }}
{{- toPrettyJson $items }}
{{- end }}
