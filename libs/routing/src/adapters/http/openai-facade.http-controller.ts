import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorCode } from '@fusion/shared/kernel';
import { rootLogger } from '@fusion/shared/telemetry';
import { mapError } from '@fusion/shared/transport';
import type { BackendCatalog } from '../../application/backends/backend-catalog.port';
import type { RouteQueryHandler } from '../../application/serving/route-query.handler';
import type { RouteStreamEvent } from '../../application/serving/route-query.command';
import { BACKEND_CATALOG, ROUTE_QUERY_HANDLER } from '../routing.tokens';
import {
  FUSION_MODELS,
  completionJson,
  decisionJson,
  executionJson,
  openAiError,
  parseChatRequest,
  usageJson,
} from './openai-facade.mapping';

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

/**
 * OpenAI-compatible facade of the routing service: `POST /v1/chat/completions` with `model: "fusion/auto"` (or
 * `fusion/<scenario>`, or a concrete backend model: no routing) and the policy as extensions; `GET /v1/models`.
 * Errors use OpenAI's error JSON; streams are OpenAI SSE chunks ending with `data: [DONE]`.
 */
@Controller('v1')
export class OpenAiFacadeController {
  constructor(
    @Inject(ROUTE_QUERY_HANDLER) private readonly route: RouteQueryHandler,
    @Inject(BACKEND_CATALOG) private readonly backends: BackendCatalog,
  ) {}

  @Get('models')
  async models(@Req() req: Request, @Res() res: Response): Promise<void> {
    try {
      const tenant =
        typeof req.headers['x-fusion-tenant'] === 'string' ? req.headers['x-fusion-tenant'] : 'default';
      const views = await this.backends.list(tenant);
      res.json({
        object: 'list',
        data: [
          ...FUSION_MODELS.map((id) => ({ id, object: 'model', created: 0, owned_by: 'fusionfactory' })),
          ...views.map((b) => ({ id: b.name, object: 'model', created: 0, owned_by: b.kind })),
        ],
      });
    } catch (err) {
      this.fail(res, err);
    }
  }

  @Post('chat/completions')
  @HttpCode(200)
  async chatCompletions(@Req() req: Request, @Res() res: Response): Promise<void> {
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    try {
      const parsed = parseChatRequest(req.body, req.headers);
      const command = { ...parsed.command, signal: abort.signal };
      if (!parsed.stream) {
        const executed =
          parsed.model === null
            ? await this.route.execute(command)
            : await this.route.executeModel(command, parsed.model);
        res.json(completionJson(executed, nowSeconds()));
        return;
      }
      await this.stream(res, this.route.stream(command, parsed.model ?? undefined), parsed.includeUsage);
    } catch (err) {
      this.fail(res, err);
    }
  }

  private async stream(
    res: Response,
    events: AsyncGenerator<RouteStreamEvent>,
    includeUsage: boolean,
  ): Promise<void> {
    const created = nowSeconds();
    const first = await events.next();
    if (first.done || first.value.type !== 'decision')
      throw new Error('route stream did not start with a decision');
    const { requestId, decided } = first.value;
    const id = `chatcmpl-${requestId}`;
    // Headers wait for the first event after the decision: when every backend fails before any text, the client
    // still gets a plain error status instead of a broken stream.
    let next = await events.next();
    res.status(200);
    res.setHeader('content-type', 'text/event-stream; charset=utf-8');
    res.setHeader('cache-control', 'no-cache');
    res.setHeader('connection', 'keep-alive');
    res.flushHeaders();
    const send = (data: unknown): void => void res.write(`data: ${JSON.stringify(data)}\n\n`);
    const chunk = (
      model: string,
      delta: Record<string, unknown>,
      finish: string | null,
      extra: Record<string, unknown> = {},
    ) => ({
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      choices: [{ index: 0, delta, finish_reason: finish }],
      ...extra,
    });
    let model =
      !next.done && next.value.type === 'delta'
        ? next.value.candidate
        : !next.done && next.value.type === 'completion'
          ? next.value.executed.completion.servedBy
          : (decided?.decision.chosen.candidate ?? '');
    send(
      chunk(model, { role: 'assistant', content: '' }, null, {
        fusion: { request_id: requestId, decision: decided ? decisionJson(decided) : null },
      }),
    );
    try {
      while (!next.done) {
        const ev = next.value;
        if (ev.type === 'delta') {
          model = ev.candidate;
          send(chunk(model, { content: ev.text }, null));
        } else if (ev.type === 'completion') {
          const e = ev.executed;
          const finish = e.completion.finishReason === 'unknown' ? 'stop' : e.completion.finishReason;
          send(chunk(e.completion.servedBy, {}, finish, { fusion: executionJson(e) }));
          if (includeUsage)
            send({
              id,
              object: 'chat.completion.chunk',
              created,
              model: e.completion.servedBy,
              choices: [],
              usage: usageJson(e),
            });
        }
        next = await events.next();
      }
    } catch (err) {
      send(openAiError(err).body);
    }
    res.end('data: [DONE]\n\n');
  }

  private fail(res: Response, err: unknown): void {
    const { status, body } = openAiError(err);
    if (mapError(err).code === ErrorCode.Internal)
      rootLogger().error({ err }, 'OpenAI facade: unhandled error');
    if (res.headersSent) {
      res.write(`data: ${JSON.stringify(body)}\n\n`);
      res.end('data: [DONE]\n\n');
      return;
    }
    res.status(status).json(body);
  }
}
