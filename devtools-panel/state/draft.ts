/**
 * Copy-on-write for one `apply()` call. A batch can carry thousands of events
 * for the same few maps; each container is copied the first time it is
 * written and then mutated in place for the rest of the call. Containers of
 * the previous state are never touched, so `apply()` stays pure.
 */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] }

export class Draft {
  readonly #owned = new WeakSet<object>()

  map<K, V>(source: ReadonlyMap<K, V>): Map<K, V> {
    if (this.#owned.has(source)) return source as Map<K, V>
    return this.#own(new Map(source))
  }

  object<T extends object>(source: T): Mutable<T> {
    if (this.#owned.has(source)) return source as Mutable<T>
    return this.#own({ ...source })
  }

  array<T>(source: readonly T[]): T[] {
    if (this.#owned.has(source)) return source as T[]
    return this.#own(source.slice())
  }

  /** Marks a container built during this call as writable. */
  fresh<T extends object>(value: T): T {
    return this.#own(value)
  }

  #own<T extends object>(value: T): T {
    this.#owned.add(value)
    return value
  }
}
