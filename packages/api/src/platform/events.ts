import { EventEmitter } from 'node:events';

/** Something that happened for one user, for whoever delivers it live (sockets, subscriptions). */
export interface UserEvent {
  userId: number;
  type: string;
  payload: Record<string, unknown>;
}

export interface EventBus {
  publish(event: UserEvent): Promise<void>;
  /** Calls `handler` for every event of `userId` until the returned function is called. */
  subscribe(userId: number, handler: (event: UserEvent) => void): () => void;
}

/** Events within this process only; a Redis implementation carries them between processes. */
export function createLocalEventBus(): EventBus {
  const emitter = new EventEmitter();
  emitter.setMaxListeners(0);
  return {
    async publish(event) {
      emitter.emit(`user:${event.userId}`, event);
    },
    subscribe(userId, handler) {
      emitter.on(`user:${userId}`, handler);
      return () => emitter.off(`user:${userId}`, handler);
    },
  };
}
