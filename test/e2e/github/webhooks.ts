/**
 * Webhook deliveries, sent as GitHub sends them: a POST with `X-GitHub-Event`, `X-GitHub-Delivery` (a uuid),
 * `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the webhook secret) and a JSON body.
 * Deliveries run concurrently (GitHub does not order them); every one is kept so it can be redelivered.
 */
import { createHmac, randomUUID } from "node:crypto";

/** `sha256=<hex>`: the HMAC GitHub puts in `X-Hub-Signature-256` (@octokit/webhooks-methods is not a direct dependency). */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

export interface Delivery {
  id: string;
  event: string;
  action: string | null;
  payload: Record<string, unknown>;
  body: string;
  /** HTTP status of the last attempt; null while in flight or when nobody listens. */
  status: number | null;
  attempts: number;
}

export interface WebhookTarget {
  url: string;
  secret: string;
  /** Events the app subscribed to (its manifest's `default_events`); null: all. */
  events: ReadonlySet<string> | null;
}

export class WebhookSender {
  readonly deliveries: Delivery[] = [];
  private target: WebhookTarget | null = null;
  private inFlight = new Set<Promise<unknown>>();
  private readonly latest = new Map<string, Promise<Delivery>>();
  private readonly listeners = new Set<(delivery: Delivery) => void>();

  constructor(private readonly hookId = 424242) {}

  setTarget(target: WebhookTarget | null): void {
    this.target = target;
  }

  /** Called for each delivery as it starts (scenarios and the sandbox watch the traffic). */
  onDelivery(listener: (delivery: Delivery) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  get pending(): number {
    return this.inFlight.size;
  }

  /** Deliver an event; resolves when the app answered (or at once when nobody listens for it). */
  send(event: string, payload: Record<string, unknown>): Promise<Delivery> {
    if (this.target?.events && !this.target.events.has(event)) {
      return Promise.resolve({ id: "", event, action: null, payload, body: "", status: null, attempts: 0 });
    }
    const action = typeof payload["action"] === "string" ? payload["action"] : null;
    const delivery: Delivery = {
      id: randomUUID(),
      event,
      action,
      payload,
      body: JSON.stringify(payload),
      status: null,
      attempts: 0,
    };
    this.deliveries.push(delivery);
    return this.attempt(delivery);
  }

  /** Send a past delivery again with the same delivery id and body, as "Redeliver" in GitHub's settings does. */
  redeliver(id: string): Promise<Delivery> {
    const delivery = this.deliveries.find((d) => d.id === id);
    if (!delivery) throw new Error(`stand-in: no delivery ${id}`);
    return this.attempt(delivery);
  }

  /** Resolves when no delivery is in flight. */
  async drained(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Resolves when the latest attempt of one delivery is answered. */
  async drainedOne(id: string): Promise<void> {
    await this.latest.get(id);
  }

  private attempt(delivery: Delivery): Promise<Delivery> {
    const target = this.target;
    if (!target) return Promise.resolve(delivery);
    delivery.attempts++;
    for (const listener of this.listeners) listener(delivery);
    const run = (async () => {
      try {
        const response = await fetch(target.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "user-agent": "GitHub-Hookshot/standin",
            "x-github-event": delivery.event,
            "x-github-delivery": delivery.id,
            "x-github-hook-id": String(this.hookId),
            "x-github-hook-installation-target-type": "integration",
            "x-github-hook-installation-target-id": "1",
            "x-hub-signature-256": signature(target.secret, delivery.body),
          },
          body: delivery.body,
          signal: AbortSignal.timeout(30_000),
        });
        await response.arrayBuffer();
        delivery.status = response.status;
      } catch {
        delivery.status = 0;
      }
      return delivery;
    })();
    this.inFlight.add(run);
    this.latest.set(delivery.id, run);
    void run.finally(() => this.inFlight.delete(run));
    return run;
  }
}
