import type { Continuation } from './router.js';

/**
 * What a voice callback URL carries, signed: which step it answers, for which organization and
 * call, and what comes next. Code reads these names; only the URL holds the compact form below
 * (Cloudonix stores and sends back every URL, so short ones are kept short).
 */
export type CallbackState =
  | { kind: 'dial'; organizationId: string; callSid: string; next: Continuation }
  | { kind: 'voicemail'; organizationId: string; callSid: string; mailboxExtensionId: string | null; boxId?: string }
  | { kind: 'recording'; organizationId: string; callSid: string };

/** The wire form, as signed into `?s=` (unchanged, so URLs issued before a deploy keep working). */
type WireContinuation =
  { k: 'ext'; e: string; h: number; d?: string } | { k: 'rg'; g: string; o: string[]; i: number; h: number; d?: string } | { k: 'end'; d?: string };
type WireState = { o: string; c: string; t: 'dial' | 'vm' | 'rec'; n?: WireContinuation; m?: string | null; b?: string };

export function packState(state: CallbackState): WireState {
  const base = { o: state.organizationId, c: state.callSid };
  switch (state.kind) {
    case 'dial':
      return { ...base, n: packContinuation(state.next), t: 'dial' };
    case 'voicemail':
      return { ...base, m: state.mailboxExtensionId, ...(state.boxId ? { b: state.boxId } : {}), t: 'vm' };
    case 'recording':
      return { ...base, t: 'rec' };
  }
}

/** The state of a verified token, or undefined when its shape is not one we issue. */
export function unpackState(wire: unknown): CallbackState | undefined {
  if (!isRecord(wire) || typeof wire.o !== 'string' || typeof wire.c !== 'string') return undefined;
  const base = { organizationId: wire.o, callSid: wire.c };
  if (wire.t === 'dial') {
    const next = unpackContinuation(wire.n);
    return next ? { kind: 'dial', ...base, next } : undefined;
  }
  if (wire.t === 'vm') {
    const mailbox = typeof wire.m === 'string' ? wire.m : null;
    return { kind: 'voicemail', ...base, mailboxExtensionId: mailbox, ...(typeof wire.b === 'string' ? { boxId: wire.b } : {}) };
  }
  if (wire.t === 'rec') return { kind: 'recording', ...base };
  return undefined;
}

export function packContinuation(c: Continuation): WireContinuation {
  const d = c.didId ? { d: c.didId } : {};
  switch (c.kind) {
    case 'extension':
      return { k: 'ext', e: c.extensionId, h: c.hop, ...d };
    case 'ring_group':
      return { k: 'rg', g: c.ringGroupId, o: c.order, i: c.nextIndex, h: c.hop, ...d };
    case 'end':
      return { k: 'end', ...d };
  }
}

function unpackContinuation(wire: unknown): Continuation | undefined {
  if (!isRecord(wire)) return undefined;
  const didId = typeof wire.d === 'string' ? { didId: wire.d } : {};
  const hop = typeof wire.h === 'number' && Number.isInteger(wire.h) ? wire.h : undefined;
  if (wire.k === 'ext' && typeof wire.e === 'string' && hop !== undefined) return { kind: 'extension', extensionId: wire.e, hop, ...didId };
  if (
    wire.k === 'rg' &&
    typeof wire.g === 'string' &&
    Array.isArray(wire.o) &&
    wire.o.every((id) => typeof id === 'string') &&
    typeof wire.i === 'number' &&
    hop !== undefined
  ) {
    return { kind: 'ring_group', ringGroupId: wire.g, order: wire.o as string[], nextIndex: wire.i, hop, ...didId };
  }
  if (wire.k === 'end') return { kind: 'end', ...didId };
  return undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
