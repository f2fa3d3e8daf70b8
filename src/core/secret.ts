/**
 * Secrets: which environment values must never be committed, posted or handed to the agent, and how they are hidden.
 */

export const REDACTED = "***";

/** Variables that always hold a secret when set. */
export const SECRET_NAMES: ReadonlySet<string> = new Set([
  "GITHUB_TOKEN",
  "GH_TOKEN",
  "INPUT_GITHUB-TOKEN",
  "INPUT_GITHUB_TOKEN",
  "ANTHROPIC_API_KEY",
  "CLAUDE_CODE_OAUTH_TOKEN",
  "GEMINI_API_KEY",
  "GOOGLE_API_KEY",
  "OPENAI_API_KEY",
  "CODEX_API_KEY",
  "ACTIONS_RUNTIME_TOKEN",
  "ACTIONS_ID_TOKEN_REQUEST_TOKEN",
]);

/** Names that look like they hold a secret (`NPM_TOKEN`, `DB_PASSWORD`, `STRIPE_SECRET_KEY` …). */
const SECRET_NAME_PATTERN = /(TOKEN|SECRET|PASSWORD|PASSWD|API_?KEY|PRIVATE_KEY|CREDENTIALS?)($|_)/i;

/** Values shorter than this are not treated as secrets: replacing `1` or `true` everywhere would ruin every file. */
export const MIN_SECRET_LENGTH = 6;

export function isSecretName(name: string): boolean {
  return SECRET_NAMES.has(name.toUpperCase()) || SECRET_NAME_PATTERN.test(name);
}

/** The secret values in an environment (plus any given explicitly), longest first, each once. */
export function secretValues(env: Readonly<Record<string, string | undefined>>, extra: readonly string[] = []): string[] {
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && isSecretName(name)) values.add(value.trim());
  }
  for (const value of extra) values.add(value.trim());
  return [...values].filter((v) => v.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
}

/** `text` with every secret value replaced by `***`. */
export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length >= MIN_SECRET_LENGTH && out.includes(secret)) out = out.split(secret).join(REDACTED);
  }
  return out;
}

export function containsSecret(text: string, secrets: readonly string[]): boolean {
  return secrets.some((s) => s.length >= MIN_SECRET_LENGTH && text.includes(s));
}
