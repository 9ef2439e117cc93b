import type { Video, VideoList } from './generated/openapi.js';

/** One page of a list, with the way to the next. */
export interface VideoPage extends VideoList {
  /** Whether another page follows (`has_more`, and a cursor to get it). */
  hasNextPage(): boolean;
  /** Fetches the next page (after this page's `last_id`). */
  getNextPage(): Promise<VideoPage>;
}

/**
 * The result of `list()`: `await` it for the first page, `for await` it for every video of every page
 * (fetched as the loop reaches them), or iterate `pages()` for the pages themselves. Nothing is fetched
 * until one of these is used.
 */
export interface VideoPager extends AsyncIterable<Video>, PromiseLike<VideoPage> {
  /** Every page in turn, from the first. */
  pages(): AsyncIterable<VideoPage>;
}

/** Builds the pager over `fetchPage(after)`, which returns the page after a cursor. */
export function paginate(fetchPage: (after?: string) => Promise<VideoList>, start?: string): VideoPager {
  const load = async (after?: string): Promise<VideoPage> => {
    const list = await fetchPage(after);
    // A page that repeats its cursor or is empty ends the walk, so a confused gateway cannot loop it forever.
    const more = () => list.has_more && !!list.last_id && list.last_id !== after && list.data.length > 0;
    return { ...list, hasNextPage: more, getNextPage: () => load(list.last_id ?? undefined) };
  };
  let first: Promise<VideoPage> | undefined;
  async function* pages(): AsyncGenerator<VideoPage> {
    for (let page = await load(start); ; page = await page.getNextPage()) {
      yield page;
      if (!page.hasNextPage()) return;
    }
  }
  return {
    // biome-ignore lint/suspicious/noThenProperty: awaiting the pager gives the first page, as in the official SDK.
    then: (resolve, reject) => {
      first ??= load(start);
      return first.then(resolve, reject);
    },
    pages,
    async *[Symbol.asyncIterator]() {
      for await (const page of pages()) yield* page.data;
    },
  };
}
