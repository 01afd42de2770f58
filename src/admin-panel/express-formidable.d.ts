/** express-formidable 1.2 (AdminJS's body parser) ships no types; its options are formidable 1's. */
declare module 'express-formidable' {
  import type { RequestHandler } from 'express';

  export default function formidable(options?: object): RequestHandler;
}
