import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ComponentChildren, VNode } from 'preact';
import { renderToString } from 'preact-render-to-string';
import type { Actor } from '../context.js';
import { translator, type Lang, type Translate } from '../i18n/index.js';
import { csrfToken } from './csrf.js';
import { Layout, type Crumb } from './layout.js';
import { requestPath } from './navigation.js';

/** What every view needs of the request: language, labels, who is signed in, the CSRF token. */
export type ViewContext = {
  lang: Lang;
  t: Translate;
  actor: Actor;
  path: string;
  csrf: string;
  showDevMailbox: boolean;
};

export function viewContext(request: FastifyRequest, reply: FastifyReply): ViewContext {
  const config = request.server.config;
  return {
    lang: request.ctx.lang,
    t: translator(request.ctx.lang),
    actor: request.ctx.actor,
    path: requestPath(request.url),
    csrf: csrfToken(config.secret, request, reply),
    showDevMailbox: request.server.devMailbox,
  };
}

export type PageOptions = {
  title: string;
  status?: number;
  breadcrumbs?: Crumb[];
};

export function renderDocument(node: VNode): string {
  return `<!DOCTYPE html>${renderToString(node)}`;
}

export function sendPage(
  reply: FastifyReply,
  v: ViewContext,
  options: PageOptions,
  body: ComponentChildren,
): FastifyReply {
  const html = renderDocument(
    <Layout v={v} title={options.title} breadcrumbs={options.breadcrumbs ?? []}>
      {body}
    </Layout>,
  );
  return reply
    .status(options.status ?? 200)
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .send(html);
}

/**
 * A PDF sent as a download, never cached (it holds personal data). The name goes in the header
 * percent-encoded, so no quote or line break a person typed can reach the header.
 */
export function sendPdf(reply: FastifyReply, name: string, body: Uint8Array | NodeJS.ReadableStream, size?: number): FastifyReply {
  reply
    .header('content-type', 'application/pdf')
    .header('content-disposition', `attachment; filename="${encodeURIComponent(name)}"`)
    .header('cache-control', 'no-store');
  if (size !== undefined) reply.header('content-length', String(size));
  return reply.send(body instanceof Uint8Array ? Buffer.from(body) : body);
}
