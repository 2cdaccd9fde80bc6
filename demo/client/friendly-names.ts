const ADJECTIVES = ["brave", "calm", "eager", "gentle", "jolly", "lucky", "merry", "quick", "sunny", "witty", "bold", "keen"]
const ANIMALS = ["otter", "panda", "falcon", "koala", "lynx", "heron", "badger", "gecko", "walrus", "puffin", "marten", "ibis"]

const COLORS = ["#e11d48", "#2563eb", "#059669", "#d97706", "#7c3aed", "#0891b2", "#db2777", "#65a30d", "#ea580c", "#4f46e5"]

export function randomFriendlyName(): string {
  return `${pick(ADJECTIVES)}-${pick(ANIMALS)}`
}

/** Same name, same color: in every tab and every reload. */
export function colorForName(name: string): string {
  let hash = 0
  for (const char of name) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return COLORS[hash % COLORS.length] as string
}

function pick(words: readonly string[]): string {
  return words[Math.floor(Math.random() * words.length)] as string
}
