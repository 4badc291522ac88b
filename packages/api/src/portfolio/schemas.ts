import { envelope, pageInput } from '../pagination.js';
import { z } from '../validation.js';

/** What a project's file fields take: a file part of a multipart body, or in JSON the URL of an uploaded file. */
export const PROJECT_UPLOADS = { image: 'image', download_material: ['document', 'image'] } as const;

const title = z.string().trim().min(1).max(150);
const description = z.string().trim().min(1).max(10_000);
const mediaUrl = z.string().trim().min(1).max(1000);

const IMAGE_NOTE = 'An image (JPEG, PNG, WebP or GIF, up to MAX_IMAGE_BYTES, 10 MB by default)';
const MATERIAL_NOTE = 'A file to download: a PDF document (up to MAX_DOCUMENT_BYTES, 5 MB by default) or an image (up to MAX_IMAGE_BYTES)';

export const createInput = z.object({
  title,
  description,
  image: mediaUrl.optional().describe(`${IMAGE_NOTE}; without one the project shows the default image`),
  download_material: mediaUrl.optional().describe(MATERIAL_NOTE),
});

/** `portfolio_id` names the project, in the query or the body; fields left out keep their values, null removes a file. */
export const updateInput = z.object({
  portfolio_id: z.union([z.string(), z.number()]).optional().describe('The project to change'),
  title: title.optional(),
  description: description.optional(),
  image: mediaUrl.nullable().optional().describe(`${IMAGE_NOTE}; null: the default image`),
  download_material: mediaUrl.nullable().optional().describe(`${MATERIAL_NOTE}; null: none`),
});

export const listInput = z.object({
  ...pageInput,
  user_id: z.string().optional().describe('Whose projects (default: yours); wins over `portfolio_id`'),
  portfolio_id: z.string().optional().describe('One project of anyone, answered alone (not in a page)'),
});

export const pathInput = z.object({ id: z.string().describe('The project id') });
export const deleteInput = z.object({ portfolio_id: z.string().optional().describe('The project to delete') });

export const project = z.object({
  id: z.number().int(),
  owner: z.number().int().describe('The owner’s user id'),
  title: z.string(),
  description: z.string(),
  image: z.string().describe('The image’s URL; the default image when none was given'),
  download_material: z.string().nullable().describe('The URL of the file to download, or null'),
  created_at: z.date(),
  updated_at: z.date(),
});
export type Project = z.infer<typeof project>;

export const projectPage = envelope(project);
