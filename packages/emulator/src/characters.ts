/** Reusable characters (`POST /v1/videos/characters`), kept by id. */
import type { Character } from './generated/openapi.js';
import { newCharacterId } from './ids.js';

export class CharacterStore {
  readonly #characters = new Map<string, Character>();

  constructor(private readonly now: () => number = Date.now) {}

  create(name: string): Character {
    const character: Character = {
      id: newCharacterId(),
      object: 'character',
      created_at: Math.floor(this.now() / 1000),
      name,
    };
    this.#characters.set(character.id, character);
    return character;
  }

  get(id: string): Character | undefined {
    return this.#characters.get(id);
  }
}
