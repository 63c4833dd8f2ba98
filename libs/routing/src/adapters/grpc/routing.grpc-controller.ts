import { Controller, Inject } from '@nestjs/common';
import { GrpcMethod } from '@nestjs/microservices';
import { Observable } from 'rxjs';
import type { routingV1 } from '@fusion/contracts/grpc';
import { DomainError } from '@fusion/shared/kernel';
import { currentTraceContext } from '@fusion/shared/telemetry';
import { toGrpcError } from '@fusion/shared/transport';
import type { BackendCatalog } from '../../application/backends/backend-catalog.port';
import type { RouterRegistryStore } from '../../application/ports/router-registry.store.port';
import type { PromoteRouterHandler } from '../../application/registry/promote-router.handler';
import { versionOf } from '../../application/registry/router-registry.decider';
import type { RouteQueryHandler } from '../../application/serving/route-query.handler';
import type { TrainRouterHandler } from '../../application/training/train-router.handler';
import {
  BACKEND_CATALOG,
  PROMOTE_ROUTER_HANDLER,
  ROUTE_QUERY_HANDLER,
  ROUTER_REGISTRY_STORE,
  TRAIN_ROUTER_HANDLER,
} from '../routing.tokens';
import {
  DEFAULT_TENANT,
  MODE_EXECUTE,
  attemptToProto,
  backendToProto,
  commandFromProto,
  completionToProto,
  decisionToProto,
  gateToProto,
  kindEvaluationToProto,
  routerVersionToProto,
} from './routing.proto-mapping';

/** gRPC adapter of the routing context (`fusion.routing.v1.RoutingService`). */
@Controller()
export class RoutingGrpcController {
  constructor(
    @Inject(ROUTE_QUERY_HANDLER) private readonly route: RouteQueryHandler,
    @Inject(TRAIN_ROUTER_HANDLER) private readonly trainer: TrainRouterHandler,
    @Inject(PROMOTE_ROUTER_HANDLER) private readonly promoter: PromoteRouterHandler,
    @Inject(ROUTER_REGISTRY_STORE) private readonly registry: RouterRegistryStore,
    @Inject(BACKEND_CATALOG) private readonly backends: BackendCatalog,
  ) {}

  @GrpcMethod('RoutingService', 'RouteQuery')
  async routeQuery(req: routingV1.RouteQueryRequest): Promise<routingV1.RouteQueryResponse> {
    const command = { ...commandFromProto(req), ...currentTraceContext() };
    if (req.mode === MODE_EXECUTE) {
      const executed = await this.route.execute(command);
      return {
        requestId: executed.requestId,
        ...(executed.decided ? { decision: decisionToProto(executed.decided) } : {}),
        completion: completionToProto(executed.completion),
        attempts: executed.attempts.map(attemptToProto),
      };
    }
    const decided = await this.route.decide(command);
    return { requestId: decided.requestId, decision: decisionToProto(decided), attempts: [] };
  }

  @GrpcMethod('RoutingService', 'RouteQueryStream')
  routeQueryStream(req: routingV1.RouteQueryStreamRequest): Observable<routingV1.RouteQueryStreamResponse> {
    return new Observable<routingV1.RouteQueryStreamResponse>((sub) => {
      const abort = new AbortController();
      void (async () => {
        if (!req.request) throw DomainError.invalidArgument('request', 'is required');
        const command = { ...commandFromProto(req.request), ...currentTraceContext(), signal: abort.signal };
        let requestId = '';
        for await (const ev of this.route.stream(command)) {
          if (ev.type === 'decision') {
            requestId = ev.requestId;
            sub.next({
              requestId,
              ...(ev.decided ? { decision: decisionToProto(ev.decided) } : {}),
              delta: '',
              attempts: [],
            });
          } else if (ev.type === 'delta') {
            sub.next({ requestId, delta: ev.text, attempts: [] });
          } else {
            sub.next({
              requestId,
              delta: '',
              completion: completionToProto(ev.executed.completion),
              attempts: ev.executed.attempts.map(attemptToProto),
            });
          }
        }
        sub.complete();
      })().catch((err: unknown) => sub.error(toGrpcError(err)));
      return () => abort.abort();
    });
  }

  @GrpcMethod('RoutingService', 'ListRouters')
  async listRouters(req: routingV1.ListRoutersRequest): Promise<routingV1.ListRoutersResponse> {
    const state = await this.registry.load(req.tenant || DEFAULT_TENANT);
    const champion = versionOf(state, state.champion);
    const challenger = versionOf(state, state.challenger);
    return {
      routers: state.versions.map(routerVersionToProto),
      ...(champion ? { champion: routerVersionToProto(champion) } : {}),
      ...(challenger ? { challenger: routerVersionToProto(challenger) } : {}),
    };
  }

  @GrpcMethod('RoutingService', 'TrainRouter')
  async trainRouter(req: routingV1.TrainRouterRequest): Promise<routingV1.TrainRouterResponse> {
    const result = await this.trainer.execute({
      tenant: req.tenant || DEFAULT_TENANT,
      kinds: [req.kind, ...(req.kinds ?? [])].filter((k) => k !== ''),
      trigger: 'manual',
      promote: req.promoteIfBetter,
      shadow: req.shadow,
      ...(req.gateScenario ? { gateScenario: req.gateScenario } : {}),
      context: currentTraceContext(),
    });
    return {
      router: routerVersionToProto(result.version),
      promoted: result.promoted,
      gateReason: result.gate.reason,
      gate: gateToProto(result.gate),
      evaluated: result.evaluated.map(kindEvaluationToProto),
      challenger: result.challenger,
      rejected: result.rejected,
    };
  }

  @GrpcMethod('RoutingService', 'PromoteRouter')
  async promoteRouter(req: routingV1.PromoteRouterRequest): Promise<routingV1.PromoteRouterResponse> {
    if (!req.version)
      throw DomainError.invalidArgument('version', 'is required (a registered version number)');
    const result = await this.promoter.execute({
      tenant: req.tenant || DEFAULT_TENANT,
      version: req.version,
      ...(req.routerId ? { routerId: req.routerId } : {}),
      force: req.force,
      context: currentTraceContext(),
    });
    return {
      promoted: result.promoted,
      gateReason: result.gate.reason,
      gate: gateToProto(result.gate),
      ...(result.champion ? { champion: routerVersionToProto(result.champion) } : {}),
    };
  }

  @GrpcMethod('RoutingService', 'ListBackends')
  async listBackends(req: routingV1.ListBackendsRequest): Promise<routingV1.ListBackendsResponse> {
    const views = await this.backends.list(req.tenant || DEFAULT_TENANT);
    return { backends: views.map(backendToProto) };
  }
}
