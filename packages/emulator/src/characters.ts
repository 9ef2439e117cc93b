/** Reusable characters (`POST /v1/videos/characters`), kept by id: the last `limit` made. */
import type { Character } from './generated/openapi.js';
import { newCharacterId } from './ids.js';

export class CharacterStore {
  readonly #characters = new Map<string, Character>();

  /**
   * @param limit How many characters are kept; the oldest is dropped first.
   * @param now The clock.
   */
  constructor(
    private readonly limit: number,
    private readonly now: () => number = Date.now,
  ) {}

  create(name: string): Character {
    const character: Character = {
      id: newCharacterId(),
      object: 'character',
      created_at: Math.floor(this.now() / 1000),
      name,
    };
    this.#characters.set(character.id, character);
    if (this.#characters.size > this.limit)
      this.#characters.delete(this.#characters.keys().next().value as string);
    return character;
  }

  /** How many characters are kept now. */
  get size(): number {
    return this.#characters.size;
  }

  get(id: string): Character | undefined {
    return this.#characters.get(id);
  }
}
