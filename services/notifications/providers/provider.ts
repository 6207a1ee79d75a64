/**
 * The provider port: how a rendered notification leaves the system.
 */

/** One message to deliver. */
export interface OutgoingMessage {
  /** Notification id: the provider's idempotency key. */
  readonly id: string;
  readonly template: string;
  readonly locale: string;
  readonly customerId?: string;
  /** E-mail address; never logged. */
  readonly to?: string;
  readonly subject: string;
  readonly text: string;
}

/** Raised when a message can never be delivered (no address ...): no retries. */
export class PermanentDeliveryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentDeliveryError';
  }
}

/** A provider. */
export interface NotificationProvider {
  readonly channel: 'log' | 'email' | 'webhook';
  /** Resolves once the provider accepted the message; throws to be retried. */
  send(message: OutgoingMessage): Promise<void>;
}
