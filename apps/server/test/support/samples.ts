/** Small but real files, by their bytes. */
export const PNG_1x1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);
export const GIF_1x1 = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** An ISO base media file: an `ftyp` box (brand isom) and an empty `mdat`. */
export const MP4 = Buffer.concat([
  Buffer.from([0, 0, 0, 0x18]),
  Buffer.from('ftypisom', 'latin1'),
  Buffer.from([0, 0, 2, 0]),
  Buffer.from('isomiso2', 'latin1'),
  Buffer.from([0, 0, 0, 8]),
  Buffer.from('mdat', 'latin1'),
]);

/** A text file wearing an image's name and type. */
/** A minimal one-page PDF. */
export const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj 3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
export const NOT_AN_IMAGE = Buffer.from('this is plain text, not a picture\n');

/** A PNG signature followed by `size` bytes of padding: an "image" of a chosen size. */
export const pngOfSize = (size: number) => Buffer.concat([PNG_1x1.subarray(0, 16), Buffer.alloc(size - 16)]);

export function multipart(fields: Record<string, string | { bytes: Buffer; filename: string; type: string }>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) {
    if (typeof value === 'string') form.append(key, value);
    else form.append(key, new Blob([new Uint8Array(value.bytes)], { type: value.type }), value.filename);
  }
  return form;
}

/** A job posting as the web client sends it; the classifier files it under technology. */
/** The fields of a company page (`POST /user/corporate/signup/`) but its e-mail, which must be unused. */
export const SAMPLE_COMPANY = {
  company_name: 'Acme Ltd',
  company_type: 'startup',
  company_size: '11-50',
  industry: 'technology',
  website: 'acme.io',
  location: 'Lagos',
  tagline: 'We build things',
};

export const SAMPLE_JOB = {
  title: 'Senior Backend Developer',
  organization: 'Paystack',
  employment_type: 'full_time',
  work_type: 'Remote',
  country: 'Nigeria',
  salary: '900,000NGN',
  overview: 'Build the payment APIs and cloud software that thousands of developers rely on.',
  description: 'You will design services, write code in TypeScript and review pull requests.',
  experience_level: 'senior',
};
