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
{{- if and (include "fusionfactory.distillationOnKubernetes" .) (not .Values.distillation.kubernetes.rbac.create) (not .Values.distillation.kubernetes.serviceAccountName) }}
{{- fail "distillation.kubernetes.serviceAccountName is required when distillation.kubernetes.rbac.create=false: a ServiceAccount allowed to create, get and list jobs.batch in the release namespace" }}
{{- end }}
{{- /* Settings the services accept only together (they would refuse to start otherwise). */}}
{{- include "fusionfactory.together" (list "evaluation.judge" .Values.evaluation.judge (list "baseUrl" "model")) }}
{{- include "fusionfactory.together" (list "thought.summarizer" .Values.thought.summarizer (list "baseUrl" "model")) }}
{{- include "fusionfactory.together" (list "routing.embeddings" .Values.routing.embeddings (list "baseUrl" "model" "dimension")) }}
{{- include "fusionfactory.together" (list "thought.embeddings" .Values.thought.embeddings (list "baseUrl" "model" "dimension")) }}
{{- /* Routing refuses a backends file with a name twice; say so at render time instead of a crash loop. */}}
{{- $seen := dict }}
{{- range $i, $b := include "fusionfactory.backendsJson" . | fromJsonArray }}
{{- if hasKey $seen $b.name }}
{{- fail (printf "backends.items: the backend name '%s' is used twice (names must be unique; the vLLM backend is registered as vllm-<release>)" $b.name) }}
{{- end }}
{{- $_ := set $seen $b.name true }}
{{- end }}
{{- end }}

{{/* Fails unless the named keys of a values block are all set or all empty. Call with (list "path" .block (list "a" "b")). */}}
{{- define "fusionfactory.together" -}}
{{- $path := index . 0 }}
{{- $block := index . 1 }}
{{- $set := list }}
{{- $unset := list }}
{{- range $k := index . 2 }}
{{- if index $block $k }}{{ $set = append $set $k }}{{ else }}{{ $unset = append $unset $k }}{{ end }}
{{- end }}
{{- if and $set $unset }}
{{- fail (printf "%s: set %s together or not at all (%s set, %s missing)" $path (join ", " (index . 2)) (join ", " $set) (join ", " $unset)) }}
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
      "descriptors" (dict "servedBy" "vllm")
      "kind" "vllm" }}
{{- $items = append $items $vllm }}
{{- end }}
{{- toPrettyJson $items }}
{{- end }}

{{/* True (non-empty) when the distillation service creates trainer Jobs through the Kubernetes API. */}}
{{- define "fusionfactory.distillationOnKubernetes" -}}
{{- $svc := include "fusionfactory.serviceValues" (list . "distillation") | fromYaml }}
{{- if and $svc.enabled (eq .Values.distillation.jobRunner "kubernetes") }}true{{ end }}
{{- end }}

{{/* ServiceAccount of the distillation pods when they create Jobs. */}}
{{- define "fusionfactory.distillationServiceAccountName" -}}
{{- default (include "fusionfactory.serviceName" (list . "distillation")) .Values.distillation.kubernetes.serviceAccountName }}
{{- end }}

{{/* Dataset volume: a PVC with the kubernetes runner or datasets.persistence; true (non-empty) then. */}}
{{- define "fusionfactory.distillationDatasetsOnClaim" -}}
{{- if or (include "fusionfactory.distillationOnKubernetes" .) .Values.distillation.datasets.persistence }}true{{ end }}
{{- end }}

{{- define "fusionfactory.distillationDatasetsClaimName" -}}
{{- default (printf "%s-datasets" (include "fusionfactory.serviceName" (list . "distillation"))) .Values.distillation.datasets.existingClaim }}
{{- end }}

{{/* An env var from a Secret key, when the secret is named. Call with (list "VAR" .apiKeySecret). */}}
{{- define "fusionfactory.secretEnv" -}}
{{- $ref := index . 1 }}
{{- if $ref.name }}
- name: {{ index . 0 }}
  valueFrom:
    secretKeyRef:
      name: {{ $ref.name }}
      key: {{ $ref.key }}
{{- end }}
{{- end }}

{{/*
The service's own settings as container env entries (names as in libs/composition/src/config/*.config.ts).
Call with (list $ "routing"); renders a YAML list (possibly empty).
*/}}
{{- define "fusionfactory.settingsEnv" -}}
{{- $root := index . 0 }}
{{- $name := index . 1 }}
{{- $v := $root.Values }}
{{- if eq $name "evaluation" }}
{{- $j := $v.evaluation.judge }}
{{- if $j.baseUrl }}
- name: JUDGE_BASE_URL
  value: {{ $j.baseUrl | quote }}
- name: JUDGE_MODEL
  value: {{ $j.model | quote }}
{{- end }}
- name: JUDGE_CONCURRENCY
  value: {{ $j.concurrency | int64 | quote }}
{{- include "fusionfactory.secretEnv" (list "JUDGE_API_KEY" $j.apiKeySecret) }}
- name: SANDBOX_ENABLED
  value: {{ $v.evaluation.sandbox.enabled | toString | quote }}
- name: SANDBOX_CONCURRENCY
  value: {{ $v.evaluation.sandbox.concurrency | int64 | quote }}
{{- else if eq $name "routing" }}
{{- $r := $v.routing.router }}
{{- $x := $v.routing.execution }}
{{- $e := $v.routing.embeddings }}
- name: ROUTER_AUTO_TRAIN_EVERY
  value: {{ $r.autoTrainEvery | int64 | quote }}
- name: ROUTER_AUTO_TRAIN_DEBOUNCE_MS
  value: {{ $r.autoTrainDebounceMs | int64 | quote }}
{{- with $r.kinds }}
- name: ROUTER_KINDS
  value: {{ join "," . | quote }}
{{- end }}
- name: ROUTER_GATE_SCENARIO
  value: {{ $r.gateScenario | quote }}
- name: ROUTER_GATE_MIN_IMPROVEMENT
  value: {{ $r.gateMinImprovement | toString | quote }}
- name: ROUTER_SEED
  value: {{ $r.seed | int64 | quote }}
- name: ROUTER_TRAINING_THREAD
  value: {{ $r.trainingThread | quote }}
- name: ROUTING_MAX_QUERY_BYTES
  value: {{ $x.maxQueryBytes | int64 | quote }}
- name: ROUTING_ATTEMPT_TIMEOUT_MS
  value: {{ $x.attemptTimeoutMs | int64 | quote }}
- name: ROUTING_MAX_ATTEMPTS
  value: {{ $x.maxAttempts | int64 | quote }}
- name: ROUTING_BACKEND_RETRIES
  value: {{ $x.backendRetries | int64 | quote }}
- name: ROUTING_HEALTH_PROBE_MS
  value: {{ $x.healthProbeMs | int64 | quote }}
- name: ROUTING_CHAMPION_POLL_MS
  value: {{ $x.championPollMs | int64 | quote }}
- name: ROUTING_EVENT_FLUSH_MS
  value: {{ $x.eventFlushMs | int64 | quote }}
{{- if $e.baseUrl }}
- name: EMBEDDINGS_BASE_URL
  value: {{ $e.baseUrl | quote }}
- name: EMBEDDINGS_MODEL
  value: {{ $e.model | quote }}
- name: EMBEDDINGS_DIMENSION
  value: {{ $e.dimension | int64 | quote }}
{{- include "fusionfactory.secretEnv" (list "EMBEDDINGS_API_KEY" $e.apiKeySecret) }}
{{- end }}
{{- $thought := include "fusionfactory.serviceValues" (list $root "thought") | fromYaml }}
{{- if and $v.routing.thoughtAugmentation $thought.enabled }}
- name: THOUGHT_SERVICE_ADDRESS
  value: {{ printf "%s:%d" (include "fusionfactory.serviceName" (list $root "thought")) (int $thought.grpcPort) | quote }}
{{- end }}
{{- else if eq $name "thought" }}
{{- $s := $v.thought.summarizer }}
{{- $e := $v.thought.embeddings }}
{{- if $s.baseUrl }}
- name: THOUGHT_SUMMARIZER_BASE_URL
  value: {{ $s.baseUrl | quote }}
- name: THOUGHT_SUMMARIZER_MODEL
  value: {{ $s.model | quote }}
{{- include "fusionfactory.secretEnv" (list "THOUGHT_SUMMARIZER_API_KEY" $s.apiKeySecret) }}
{{- end }}
- name: THOUGHT_SUMMARIZER_TIMEOUT_MS
  value: {{ $s.timeoutMs | int64 | quote }}
- name: THOUGHT_SUMMARIZER_CONCURRENCY
  value: {{ $s.concurrency | int64 | quote }}
- name: THOUGHT_QUERIES_PER_TASK
  value: {{ $v.thought.queriesPerTask | int64 | quote }}
{{- if $e.baseUrl }}
- name: THOUGHT_EMBEDDING_BASE_URL
  value: {{ $e.baseUrl | quote }}
- name: THOUGHT_EMBEDDING_MODEL
  value: {{ $e.model | quote }}
- name: THOUGHT_EMBEDDING_DIMENSION
  value: {{ $e.dimension | int64 | quote }}
{{- end }}
{{- else if eq $name "distillation" }}
{{- $d := $v.distillation }}
{{- $t := $d.trainer }}
- name: DISTILLATION_JOB_RUNNER
  value: {{ $d.jobRunner | quote }}
- name: DISTILLATION_DATASET_DIR
  value: {{ $d.datasets.mountPath | quote }}
- name: DISTILLATION_TOP_K
  value: {{ $d.topK | int64 | quote }}
- name: DISTILLATION_BASE_MODEL
  value: {{ $d.baseModel | quote }}
- name: DISTILLATION_TRAINER_IMAGE
  value: {{ $t.image | quote }}
- name: DISTILLATION_TRAINER_GPUS
  value: {{ $t.gpus | int64 | quote }}
- name: DISTILLATION_TRAINER_DATA_MOUNT
  value: {{ $t.dataMountPath | quote }}
- name: DISTILLATION_JOB_TTL_SECONDS
  value: {{ $t.jobTtlSeconds | int64 | quote }}
{{- with $t.hfTokenSecret }}
- name: DISTILLATION_HF_TOKEN_SECRET
  value: {{ . | quote }}
{{- end }}
{{- /* Jobs run in the release namespace: the dataset PVC they mount is namespaced and lives here. */}}
- name: DISTILLATION_K8S_NAMESPACE
  value: {{ $root.Release.Namespace | quote }}
{{- $selector := list }}
{{- range $k, $val := (default $v.gpu.nodeSelector $t.nodeSelector) }}
{{- $selector = append $selector (printf "%s=%s" $k $val) }}
{{- end }}
{{- with $selector }}
- name: DISTILLATION_K8S_NODE_SELECTOR
  value: {{ join "," . | quote }}
{{- end }}
{{- with (default $v.gpu.tolerations $t.tolerations) }}
- name: DISTILLATION_K8S_TOLERATIONS
  value: {{ toJson . | quote }}
{{- end }}
{{- if include "fusionfactory.distillationDatasetsOnClaim" $root }}
- name: DISTILLATION_DATASET_PVC
  value: {{ include "fusionfactory.distillationDatasetsClaimName" $root | quote }}
{{- end }}
{{- with $d.kubernetes.apiUrl }}
- name: DISTILLATION_K8S_API_URL
  value: {{ . | quote }}
{{- end }}
- name: DISTILLATION_K8S_TIMEOUT_MS
  value: {{ $d.kubernetes.timeoutMs | int64 | quote }}
{{- if include "fusionfactory.distillationOnKubernetes" $root }}
{{- /* The API server's certificate is signed by the cluster CA, which Node does not trust by default. */}}
- name: NODE_EXTRA_CA_CERTS
  value: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
{{- end }}
{{- end }}
{{- end }}
