/** A shared "now" that ticks every 30 s, so "synced 5 minutes ago" stays true without reloads. */
class Clock {
  now = $state(new Date());
  #timer: ReturnType<typeof setInterval> | undefined;
  #users = 0;

  /** Starts ticking while at least one user holds it; returns the release function. */
  hold(): () => void {
    if (this.#users++ === 0) this.#timer = setInterval(() => (this.now = new Date()), 30_000);
    return () => {
      if (--this.#users === 0) clearInterval(this.#timer);
    };
  }
}

export const clock = new Clock();
