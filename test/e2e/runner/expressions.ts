/**
 * A tiny evaluator for the GitHub Actions expressions our workflow uses: context paths (`inputs.issue`,
 * `matrix.task.id`, `github.token`, `secrets.X`), literals, `toJSON()`, `fromJSON()`, the status functions,
 * `!`, `==`, `!=`, `&&`, `||` and parentheses. Anything else is refused with a message naming it.
 */

export type Contexts = Record<string, unknown>;

export class ExpressionError extends Error {}

type Token = { kind: "id" | "str" | "num" | "op"; value: string };

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const str = /^'((?:[^']|'')*)'/.exec(rest);
    if (str) {
      tokens.push({ kind: "str", value: str[1]!.replace(/''/g, "'") });
      i += str[0].length;
      continue;
    }
    const num = /^-?\d+(\.\d+)?/.exec(rest);
    if (num) {
      tokens.push({ kind: "num", value: num[0] });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(rest);
    if (id) {
      tokens.push({ kind: "id", value: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|&&|\|\||[!().,[\]])/.exec(rest);
    if (op) {
      tokens.push({ kind: "op", value: op[0] });
      i += op[0].length;
      continue;
    }
    throw new ExpressionError(`unexpected "${rest[0]}" in expression "${source}"`);
  }
  return tokens;
}

/** Property lookup, case-insensitive like Actions. */
function property(value: unknown, name: string): unknown {
  if (value === null || typeof value !== "object") return null;
  const record = value as Record<string, unknown>;
  if (name in record) return record[name];
  const key = Object.keys(record).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? null : record[key];
}

function truthy(value: unknown): boolean {
  return !(value === null || value === undefined || value === false || value === 0 || value === "" || Number.isNaN(value));
}

function equal(a: unknown, b: unknown): boolean {
  if (typeof a === "string" && typeof b === "string") return a.toLowerCase() === b.toLowerCase();
  if (a === null || b === null || typeof a === "object" || typeof b === "object") return a === b;
  return Number(a) === Number(b);
}

class Parser {
  private at = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly contexts: Contexts,
    private readonly source: string,
  ) {}

  parse(): unknown {
    const value = this.or();
    if (this.at < this.tokens.length) throw new ExpressionError(`unexpected "${this.tokens[this.at]!.value}" in "${this.source}"`);
    return value;
  }

  private peek(value: string): boolean {
    const token = this.tokens[this.at];
    return token?.kind === "op" && token.value === value;
  }

  private expect(value: string): void {
    if (!this.peek(value)) throw new ExpressionError(`expected "${value}" in "${this.source}"`);
    this.at++;
  }

  private or(): unknown {
    let left = this.and();
    while (this.peek("||")) {
      this.at++;
      const right = this.and();
      left = truthy(left) ? left : right;
    }
    return left;
  }

  private and(): unknown {
    let left = this.equality();
    while (this.peek("&&")) {
      this.at++;
      const right = this.equality();
      left = truthy(left) ? right : left;
    }
    return left;
  }

  private equality(): unknown {
    let left = this.unary();
    while (this.peek("==") || this.peek("!=")) {
      const negate = this.tokens[this.at++]!.value === "!=";
      const right = this.unary();
      left = negate ? !equal(left, right) : equal(left, right);
    }
    return left;
  }

  private unary(): unknown {
    if (this.peek("!")) {
      this.at++;
      return !truthy(this.unary());
    }
    return this.postfix(this.primary());
  }

  private postfix(start: unknown): unknown {
    let value = start;
    for (;;) {
      if (this.peek(".")) {
        this.at++;
        const name = this.tokens[this.at++];
        if (name?.kind !== "id") throw new ExpressionError(`expected a property name in "${this.source}"`);
        value = property(value, name.value);
      } else if (this.peek("[")) {
        this.at++;
        const key = this.or();
        this.expect("]");
        value = property(value, String(key));
      } else {
        return value;
      }
    }
  }

  private primary(): unknown {
    const token = this.tokens[this.at++];
    if (!token) throw new ExpressionError(`unexpected end of "${this.source}"`);
    if (token.kind === "str") return token.value;
    if (token.kind === "num") return Number(token.value);
    if (token.kind === "op" && token.value === "(") {
      const value = this.or();
      this.expect(")");
      return value;
    }
    if (token.kind !== "id") throw new ExpressionError(`unexpected "${token.value}" in "${this.source}"`);
    if (token.value === "true") return true;
    if (token.value === "false") return false;
    if (token.value === "null") return null;
    if (this.peek("(")) {
      this.at++;
      const args: unknown[] = [];
      while (!this.peek(")")) {
        args.push(this.or());
        if (!this.peek(")")) this.expect(",");
      }
      this.at++;
      return this.call(token.value, args);
    }
    if (!(token.value in this.contexts)) throw new ExpressionError(`unknown context "${token.value}" in "${this.source}"`);
    return this.contexts[token.value];
  }

  private call(name: string, args: unknown[]): unknown {
    switch (name.toLowerCase()) {
      case "tojson":
        return JSON.stringify(args[0] ?? null, null, 2);
      case "fromjson":
        try {
          return JSON.parse(String(args[0]));
        } catch {
          throw new ExpressionError(`fromJSON: the value is not valid JSON in "${this.source}"`);
        }
      case "success":
        return property(this.contexts["job"], "status") !== "failure";
      case "failure":
        return property(this.contexts["job"], "status") === "failure";
      case "always":
        return true;
      case "cancelled":
        return property(this.contexts["job"], "status") === "cancelled";
      default:
        throw new ExpressionError(`the local runner does not know the function ${name}() in "${this.source}"`);
    }
  }
}

/** Evaluate one expression (the text inside `${{ }}`, or an `if:` condition). */
export function evaluate(expression: string, contexts: Contexts): unknown {
  return new Parser(tokenize(expression), contexts, expression).parse();
}

/** How Actions turns a value into text inside a string. */
export function asText(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return Array.isArray(value) ? "Array" : "Object";
  return String(value);
}

/**
 * Replace every `${{ … }}` in a workflow value. A string that is exactly one expression keeps the expression's
 * value (so `${{ fromJSON(inputs.tasks) }}` yields an array); otherwise the parts are joined as text.
 */
export function interpolate(value: unknown, contexts: Contexts): unknown {
  if (typeof value !== "string") return value;
  const whole = /^\s*\$\{\{([\s\S]*?)\}\}\s*$/.exec(value);
  if (whole && !whole[1]!.includes("}}")) return evaluate(whole[1]!, contexts);
  return value.replace(/\$\{\{([\s\S]*?)\}\}/g, (_, inner: string) => asText(evaluate(inner, contexts)));
}

/** `if:` of a step or job: an expression with or without `${{ }}`; absent means `success()`. */
export function condition(value: unknown, contexts: Contexts): boolean {
  if (value === undefined || value === null) return truthy(evaluate("success()", contexts));
  if (typeof value === "boolean") return value;
  const text = String(value).trim();
  const inner = /^\$\{\{([\s\S]*)\}\}$/.exec(text);
  return truthy(evaluate(inner ? inner[1]! : text, contexts));
}
