/** Lets a worker sleep until something happens or a timeout passes. */
export interface WakeSignal {
  /** Wakes the current sleep, or the next one at once if no one sleeps now. */
  wake(): void;
  /** Resolves with true when woken, false when `timeoutMs` passed first. */
  sleep(timeoutMs: number): Promise<boolean>;
}

/** A wake signal that nothing has woken yet. */
export function createWakeSignal(): WakeSignal {
  let pending = false;
  let waiter: ((woken: boolean) => void) | undefined;
  return {
    wake() {
      if (waiter === undefined) {
        pending = true;
        return;
      }
      const resolve = waiter;
      waiter = undefined;
      resolve(true);
    },
    sleep(timeoutMs) {
      if (pending) {
        pending = false;
        return Promise.resolve(true);
      }
      return new Promise((resolve) => {
        const timer = setTimeout(() => {
          waiter = undefined;
          resolve(false);
        }, timeoutMs);
        waiter = (woken) => {
          clearTimeout(timer);
          resolve(woken);
        };
      });
    },
  };
}
