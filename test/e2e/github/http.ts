/**
 * The stand-in's tiny HTTP toolkit: routes, GitHub-shaped errors, authentication of callers.
 */
import type { IncomingHttpHeaders } from "node:http";

export const DOCS = "https://docs.github.com/rest";

export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const notFound = (documentation = DOCS) =>
  new HttpError(404, "Not Found", { documentation_url: documentation, status: "404" });

export const validationFailed = (errors: Array<Record<string, unknown>>, documentation = DOCS) =>
  new HttpError(422, "Validation Failed", { errors, documentation_url: documentation, status: "422" });

/** Who is calling: the App itself (JWT), an installation (the app's token), or a job (`github.token`). */
export type Caller =
  | { kind: "app" }
  | { kind: "installation"; installation: number; login: string }
  | { kind: "job"; run: number; login: string };

export interface Request {
  method: string;
  path: string;
  query: URLSearchParams;
  params: Record<string, string>;
  body: unknown;
  headers: IncomingHttpHeaders;
  caller: Caller;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string> | undefined;
}

export interface Route {
  method: string;
  /** `{name}` matches one path segment; `{+name}` the rest of the path. */
  pattern: string;
  /** The App's JWT is the only accepted credential (e.g. `/app/...`); otherwise a token is required. */
  jwt?: boolean;
  handle: (request: Request) => Promise<Reply> | Reply;
}

export interface CompiledRoute extends Route {
  regex: RegExp;
  names: string[];
}

export function compile(route: Route): CompiledRoute {
  const names: string[] = [];
  const source = route.pattern
    .split(/(\{\+?[a-z_]+\})/)
    .map((part) => {
      const match = /^\{(\+?)([a-z_]+)\}$/.exec(part);
      if (!match) return part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
      names.push(match[2]!);
      return match[1] ? "(.+)" : "([^/]+)";
    })
    .join("");
  return { ...route, regex: new RegExp(`^${source}$`), names };
}

export function match(routes: CompiledRoute[], method: string, path: string) {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.regex.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => (params[name] = decodeURIComponent(found[i + 1]!)));
    return { route, params };
  }
  return null;
}

/** The page of `items` that `page`/`per_page` ask for, and GitHub's Link header for it. */
export function paginate<T>(items: T[], query: URLSearchParams, selfUrl: string): { page: T[]; link?: string } {
  const perPage = Math.min(Math.max(Number(query.get("per_page") ?? 30) || 30, 1), 100);
  const page = Math.max(Number(query.get("page") ?? 1) || 1, 1);
  const last = Math.max(Math.ceil(items.length / perPage), 1);
  const linkTo = (n: number) => {
    const url = new URL(selfUrl);
    url.searchParams.set("per_page", String(perPage));
    url.searchParams.set("page", String(n));
    return url.toString();
  };
  const links: string[] = [];
  if (page > 1) links.push(`<${linkTo(page - 1)}>; rel="prev"`);
  if (page < last) links.push(`<${linkTo(page + 1)}>; rel="next"`, `<${linkTo(last)}>; rel="last"`);
  if (page > 1) links.push(`<${linkTo(1)}>; rel="first"`);
  return { page: items.slice((page - 1) * perPage, page * perPage), ...(links.length ? { link: links.join(", ") } : {}) };
}
