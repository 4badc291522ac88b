import { detailError } from './errors.js';
import { z } from './validation.js';

const DEFAULT_PAGE_SIZE = 10;
export const MAX_PAGE_SIZE = 50;

/** Query parameters of every paginated list; unknown ones are kept in the links. */
export const pageInput = {
  page: z.string().optional().describe('1-based page number, or `last`'),
  page_size: z.string().optional().describe(`Items per page, ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}`),
};

export interface PageRequest {
  /** 'last' until the count is known. */
  page: number | 'last';
  size: number;
}

export const invalidPage = () => detailError('NOT_FOUND', 'Invalid page.');

/** `defaultSize` for lists whose clients expect another page size than DRF's 10 (the original's were per list). */
export function readPage(
  input: { page?: string | undefined; page_size?: string | undefined },
  defaultSize = DEFAULT_PAGE_SIZE,
): PageRequest {
  const requested = Number.parseInt(input.page_size ?? '', 10);
  const size = Number.isNaN(requested) || requested < 1 ? defaultSize : Math.min(requested, MAX_PAGE_SIZE);
  const raw = (input.page ?? '1').trim();
  if (raw === 'last') return { page: 'last', size };
  if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1) throw invalidPage();
  return { page: Number(raw), size };
}

/** The page number to read once the total is known; out of range is DRF's 404. */
export function resolvePage(request: PageRequest, count: number): number {
  const pages = Math.max(1, Math.ceil(count / request.size));
  const page = request.page === 'last' ? pages : request.page;
  if (page > pages) throw invalidPage();
  return page;
}

/**
 * For a list read in one statement that also tells its count: reads the requested page, and
 * once more when the count shows it elsewhere (`last`, or past the end: then DRF's 404).
 * `read` gets the first reading back on that second call.
 */
export async function readCountedPage<T extends { count: number }>(
  request: PageRequest,
  read: (page: number, earlier?: T) => Promise<T>,
): Promise<{ page: number; found: T }> {
  const first = request.page === 'last' ? 1 : request.page;
  const found = await read(first);
  const page = resolvePage(request, found.count);
  return page === first ? { page, found } : { page, found: await read(page, found) };
}

export const envelope = <T extends z.ZodType>(item: T) =>
  z.object({
    count: z.number().int(),
    next: z.string().nullable(),
    previous: z.string().nullable(),
    results: z.array(item),
  });

export const envelopeWithLastPage = <T extends z.ZodType>(item: T) => envelope(item).extend({ last_page: z.string() });

/**
 * The DRF envelope with absolute links built from the request's own URL: other parameters kept,
 * `page` replaced (removed for page 1), and `pinned` parameters (a feed's snapshot) added.
 */
export function paginate<T>(
  requestUrl: string,
  page: number,
  size: number,
  count: number,
  results: T[],
  pinned: Record<string, string> = {},
) {
  const link = (target: number) => {
    const url = new URL(requestUrl);
    for (const [key, value] of Object.entries(pinned)) url.searchParams.set(key, value);
    if (target === 1) url.searchParams.delete('page');
    else url.searchParams.set('page', String(target));
    return url.toString();
  };
  const pages = Math.ceil(count / size);
  return {
    count,
    next: page < pages ? link(page + 1) : null,
    previous: page > 1 ? link(page - 1) : null,
    results,
  };
}

/** `last_page` as the original wrote it: the path without query and `?page=<last>` (0 when empty). */
export function lastPageLink(requestUrl: string, size: number, count: number) {
  const url = new URL(requestUrl);
  return `${url.origin}${url.pathname}?page=${Math.ceil(count / size)}`;
}
