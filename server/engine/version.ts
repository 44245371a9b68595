/** The product's version, from package.json (esbuild inlines this one field; the rest stays out). */
import { version } from '../../package.json';

export const PRODUCT_VERSION: string = version;
