/** The serializer's caps; every one of them shows in the output as a summary. */

export interface SerializeOptions {
  maxDepth: number
  /** Values visited per call; beyond it everything is a `depth` summary with reason "budget". */
  maxNodes: number
  /** Longer strings become `truncated-string` with `stringHead` chars. */
  maxStringLength: number
  stringHead: number
  /** String chars per call; once spent, strings longer than `stringHead` are cut too. */
  maxChars: number
  /** Longer arrays become `truncated-array` with `arrayHead` items. */
  maxArrayLength: number
  arrayHead: number
  /** Plain objects with more keys become `truncated-object` with `objectHead` props. */
  maxObjectKeys: number
  objectHead: number
  /** Entries shown of a Map or Set, props shown of a class instance. */
  maxEntries: number
  /** Bytes of a buffer shown (as hex)... */
  bytesHead: number
  /** ...except for these buffers, shown whole up to fullBytesLimit (ephemeral data the panel decodes). */
  fullBytes?: ReadonlySet<object>
  fullBytesLimit: number
  /** Leave function-valued properties out of objects instead of summarising them. */
  dropFunctions: boolean
  /** Replaces a non-plain object by a plainer value before it is walked (VersionVector -> object). */
  convert?: (value: object) => { value: unknown } | undefined
}

export const DEFAULT_SERIALIZE_OPTIONS: SerializeOptions = {
  maxDepth: 12,
  maxNodes: 10_000,
  maxStringLength: 10_000,
  stringHead: 1_000,
  maxChars: 1_000_000,
  maxArrayLength: 5_000,
  arrayHead: 100,
  maxObjectKeys: 1_000,
  objectHead: 100,
  maxEntries: 100,
  bytesHead: 32,
  fullBytesLimit: 1 << 20,
  dropFunctions: false,
}
