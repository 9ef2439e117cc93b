/** Reusable characters: made from a short uploaded video, then retrievable by id. */
import type { Context } from 'hono';
import { notFound } from '../errors.js';
import type { Character, CreateCharacterBody } from '../generated/openapi.js';
import type { AppEnv, EmulatorState } from '../state.js';
import { checkVideoUpload } from '../uploads.js';
import { idempotently, type OperationHandlers, validBody, validParameters } from './http.js';

export function characterHandlers(
  state: EmulatorState,
): Pick<OperationHandlers, 'createCharacter' | 'getCharacter'> {
  const answer = (c: Context<AppEnv>, id: string) => {
    const character: Character | undefined = state.characters.get(id);
    if (!character) throw notFound('Character', id, 'character_id');
    return c.json(character);
  };

  return {
    async createCharacter(c) {
      validParameters(c, state, 'createCharacter');
      const body = await validBody<CreateCharacterBody>(c, state, 'createCharacter');
      await checkVideoUpload(body.files.get('video'), 'video');
      return idempotently(
        c,
        state,
        body,
        () => state.characters.create(body.value.name).id,
        (id) => answer(c, id),
      );
    },

    async getCharacter(c) {
      const { path } = validParameters(c, state, 'getCharacter');
      return answer(c, path.character_id);
    },
  };
}
