/** A small method + path router with `:param` segments. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface RouteContext {
  req: IncomingMessage;
  res: ServerResponse;
  params: Record<string, string>;
  url: URL;
}

export type Handler = (ctx: RouteContext) => Promise<void>;

export interface Match {
  handler: Handler;
  params: Record<string, string>;
  name: string;
}

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: Handler;
  name: string;
}

export class Router {
  private readonly routes: Route[] = [];

  add(method: string, path: string, handler: Handler): this {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${path.replace(/:([a-zA-Z]+)/g, (_, n: string) => {
        names.push(n);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, names, handler, name: path });
    return this;
  }

  /** Every registered route, as `METHOD /path/:param` pairs (the OpenAPI document is checked against it). */
  list(): { method: string; path: string }[] {
    return this.routes.map((r) => ({ method: r.method, path: r.name }));
  }

  /**
   * The matching route; `{ allow }` (the methods the path takes) when only the method is wrong; 'bad-path'
   * when a parameter is not valid percent-encoding (`%ff`); null when nothing matches.
   */
  match(method: string, pathname: string): Match | { allow: string[] } | 'bad-path' | null {
    const allow: string[] = [];
    for (const r of this.routes) {
      const m = r.pattern.exec(pathname);
      if (!m) continue;
      if (r.method !== method) {
        allow.push(r.method);
        continue;
      }
      const params: Record<string, string> = {};
      for (const [i, n] of r.names.entries()) {
        try {
          params[n] = decodeURIComponent(m[i + 1] as string);
        } catch {
          return 'bad-path';
        }
      }
      return { handler: r.handler, params, name: r.name };
    }
    return allow.length > 0 ? { allow } : null;
  }
}
