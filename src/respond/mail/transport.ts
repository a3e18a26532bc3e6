/**
 * What a message transport is: one attempt to hand one message over, with an outcome that
 * says exactly what is known. The case that matters is the third: the transport cannot tell
 * whether the other side accepted (the connection died after the message started to go out).
 * Callers must treat that as "maybe delivered" — never as a failure to retry blindly.
 */

/** An email ready to go: its bytes and envelope. */
export interface EmailMessage {
  readonly channel: 'email';
  /** The Message-ID in the message's header (the delivery's idempotency key). */
  readonly id: string;
  readonly from: string;
  readonly to: string;
  readonly raw: Buffer;
}

/** A text message for a phone. */
export interface SmsMessage {
  readonly channel: 'sms';
  /** Idempotency key (sent as `Idempotency-Key`). */
  readonly id: string;
  readonly to: string;
  readonly text: string;
}

/** Either kind. */
export type OutgoingMessage = EmailMessage | SmsMessage;

/** The outcome of one attempt. `response` is the server's reply text (no message content). */
export type SendOutcome =
  /** The other side took responsibility for the message. */
  | { readonly status: 'accepted'; readonly response: string }
  /** It refused for now, or nothing of the message left: trying again is safe. */
  | { readonly status: 'temporary'; readonly response: string }
  /** It refused for good (bad address, policy). */
  | { readonly status: 'permanent'; readonly response: string }
  /** Unknown: the message may have been accepted. */
  | { readonly status: 'unknown'; readonly response: string };

/** A way to hand messages over (SMTP, an SMS webhook). */
export interface MessageTransport<M extends OutgoingMessage = OutgoingMessage> {
  readonly channel: M['channel'];
  /** Where it delivers, with any secret shown as `***`. */
  readonly describe: string;
  /**
   * One attempt. Never throws for the message's own fate; throws BreachwatchError
   * `ERR_CONFIG` when the transport itself cannot work (authentication refused, bad TLS).
   */
  send(m: M): Promise<SendOutcome>;
  close(): Promise<void>;
}
