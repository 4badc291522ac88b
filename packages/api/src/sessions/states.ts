import type { SessionStatus } from '@careernexus/db';
import type { TRPCError } from '@trpc/server';
import { detailError, fieldError } from '../errors.js';

/**
 * The one place a mentorship session's status changes are decided. Every change is one of the
 * transitions below, written by the service as a conditional UPDATE (`where status = <from>`
 * plus the guard's columns), so of two concurrent changes of one session only one can win; the
 * loser reads the session again and is refused by `decide` from the state it finds.
 *
 *   PENDING  --accept (mentor)-->                      ACCEPTED
 *   PENDING  --reject (mentor)-->                      REJECTED   (kept as history)
 *   PENDING  --cancel (mentee), no money paid-->       CANCELLED  (kept as history; free sessions too)
 *   ACCEPTED --cancel (mentee), no money paid-->       CANCELLED
 *   ACCEPTED --complete (mentee), paid, time come-->   COMPLETED  (rated; the mentor credited once)
 *
 * REJECTED, CANCELLED and COMPLETED are final: nothing leaves them.
 */
export type SessionAction = 'accept' | 'reject' | 'cancel' | 'complete';

/** Who the caller is to a session. */
export type SessionRole = 'mentor' | 'mentee' | 'invitee' | 'stranger';

export interface SessionFacts {
  status: SessionStatus;
  is_paid: boolean;
  /** 0 for a free session (paid at booking). */
  price_minor: number;
  session_at: Date;
}

/** What must still hold when the change is written: the status, and the columns the guard read. */
export interface Transition {
  from: SessionStatus;
  to: SessionStatus;
  /** `is_paid` as the guard required it, when it did. */
  isPaid?: boolean;
  /** The session must have begun by this instant. */
  begunBy?: Date;
}

interface Rule {
  by: 'mentor' | 'mentee';
  to: SessionStatus;
  from: readonly SessionStatus[];
  /** A refusal (the reason) or nothing, for a session in one of `from`. */
  guard?: (session: SessionFacts, now: Date) => string | undefined;
  /** The key the refusals of this action are filed under (the original's keys). */
  errorKey: string;
  /** Told to a caller who is not `by`. */
  notYours: string;
}

const SESSION_RULES: Record<SessionAction, Rule> = {
  accept: {
    by: 'mentor',
    from: ['PENDING'],
    to: 'ACCEPTED',
    errorKey: 'non_field_errors',
    notYours: 'This session was not initiated for you.',
  },
  reject: {
    by: 'mentor',
    from: ['PENDING'],
    to: 'REJECTED',
    errorKey: 'non_field_errors',
    notYours: 'This session was not initiated for you.',
  },
  cancel: {
    by: 'mentee',
    from: ['PENDING', 'ACCEPTED'],
    to: 'CANCELLED',
    // Refunds are out of scope: a session somebody paid money for is not cancelled (a free one may be).
    guard: (session) => (session.is_paid && session.price_minor > 0 ? 'Cannot cancel an already paid session.' : undefined),
    errorKey: 'session',
    notYours: "Only this session's mentee can cancel this session.",
  },
  complete: {
    by: 'mentee',
    from: ['ACCEPTED'],
    to: 'COMPLETED',
    guard: (session, now) =>
      !session.is_paid
        ? 'Cannot annotate a session that has not been paid for.'
        : session.session_at > now
          ? 'This session has not taken place yet.'
          : undefined,
    errorKey: 'session',
    notYours: 'This session was not initiated by you.',
  },
};

/** Why a session in a state an action does not start from is refused. */
const STATE_REFUSAL: Record<SessionStatus, string> = {
  PENDING: 'This session has not been accepted yet.',
  ACCEPTED: 'This session has already been accepted',
  COMPLETED: 'This session has been completed.',
  REJECTED: 'This session has been rejected.',
  CANCELLED: 'This session has been cancelled.',
};

/**
 * The transition `action` by someone in `role` makes from `session`'s state, or the refusal:
 * 403 `{"detail"}` for a caller the action is not for, 400 keyed by the action's field otherwise.
 */
export function decide(action: SessionAction, session: SessionFacts, role: SessionRole, now: Date): Transition | TRPCError {
  const rule = SESSION_RULES[action];
  if (role !== rule.by) return detailError('FORBIDDEN', rule.notYours);
  if (!rule.from.includes(session.status)) return fieldError(rule.errorKey, STATE_REFUSAL[session.status]);
  const refusal = rule.guard?.(session, now);
  if (refusal) return fieldError(rule.errorKey, refusal);
  return {
    from: session.status,
    to: rule.to,
    ...(rule.guard ? { isPaid: session.is_paid } : {}),
    ...(action === 'complete' ? { begunBy: now } : {}),
  };
}

/** Whether the video room is open to the session's participants: accepted, paid, and its time come. */
export const isJoinable = (session: SessionFacts, now: Date) =>
  session.status === 'ACCEPTED' && session.is_paid && session.session_at <= now;

/** Why someone in `role` may not join `session` now, if they may not (400 under `session`, 403 for outsiders). */
export function joinRefusal(session: SessionFacts, role: SessionRole, now: Date): TRPCError | undefined {
  if (role === 'stranger') return detailError('FORBIDDEN', 'You are not a participant in this session.');
  if (session.status === 'COMPLETED') return fieldError('session', 'This session has already been completed.');
  if (session.status !== 'ACCEPTED') return fieldError('session', STATE_REFUSAL[session.status]);
  if (!session.is_paid) return fieldError('session', 'This session has not yet been paid for.');
  if (session.session_at > now) return fieldError('session', 'Not yet time for this session.');
  return undefined;
}
