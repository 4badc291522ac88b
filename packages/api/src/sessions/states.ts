import type { SessionStatus } from '@careernexus/db';
import type { TRPCError } from '@trpc/server';
import {
  cancellingPaidSession,
  completingBeforeStart,
  completingUnpaidSession,
  joiningBeforeStart,
  joiningCompletedSession,
  joiningUnpaidSession,
  notParticipant,
  notSessionMentee,
  notSessionMentor,
  onlyMenteeCancels,
  sessionInState,
} from './errors.js';

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
  /** A refusal or nothing, for a session in one of `from`. */
  guard?: (session: SessionFacts, now: Date) => TRPCError | undefined;
  /** The key a refusal for the session's state is filed under (the original's keys). */
  errorKey: string;
  /** Told to a caller who is not `by`. */
  notYours: () => TRPCError;
}

const SESSION_RULES: Record<SessionAction, Rule> = {
  accept: {
    by: 'mentor',
    from: ['PENDING'],
    to: 'ACCEPTED',
    errorKey: 'non_field_errors',
    notYours: notSessionMentor,
  },
  reject: {
    by: 'mentor',
    from: ['PENDING'],
    to: 'REJECTED',
    errorKey: 'non_field_errors',
    notYours: notSessionMentor,
  },
  cancel: {
    by: 'mentee',
    from: ['PENDING', 'ACCEPTED'],
    to: 'CANCELLED',
    // Refunds are out of scope: a session somebody paid money for is not cancelled (a free one may be).
    guard: (session) => (session.is_paid && session.price_minor > 0 ? cancellingPaidSession() : undefined),
    errorKey: 'session',
    notYours: onlyMenteeCancels,
  },
  complete: {
    by: 'mentee',
    from: ['ACCEPTED'],
    to: 'COMPLETED',
    guard: (session, now) =>
      !session.is_paid ? completingUnpaidSession() : session.session_at > now ? completingBeforeStart() : undefined,
    errorKey: 'session',
    notYours: notSessionMentee,
  },
};

/**
 * The transition `action` by someone in `role` makes from `session`'s state, or the refusal:
 * 403 `{"detail"}` for a caller the action is not for, 400 keyed by the action's field otherwise.
 */
export function decide(action: SessionAction, session: SessionFacts, role: SessionRole, now: Date): Transition | TRPCError {
  const rule = SESSION_RULES[action];
  if (role !== rule.by) return rule.notYours();
  if (!rule.from.includes(session.status)) return sessionInState(session.status, rule.errorKey);
  const refusal = rule.guard?.(session, now);
  if (refusal) return refusal;
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
  if (role === 'stranger') return notParticipant();
  if (session.status === 'COMPLETED') return joiningCompletedSession();
  if (session.status !== 'ACCEPTED') return sessionInState(session.status);
  if (!session.is_paid) return joiningUnpaidSession();
  if (session.session_at > now) return joiningBeforeStart();
  return undefined;
}
