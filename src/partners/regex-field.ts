import { z } from 'zod';

/** A profile field holding a regular expression (file name include/exclude): refused unless it compiles. */
export const regexField = z.string().refine((v) => {
  try {
    new RegExp(v);
    return true;
  } catch {
    return false;
  }
}, 'not a valid regular expression');
