/**
 * QR codes for the print view: an SVG made of attributes only (no style element, no
 * script), served as a `data:` image, which the pages' Content-Security-Policy allows.
 */
import { renderSVG } from 'uqr';

/**
 * The QR code of `text` as an `<img src>`; error correction M, so a creased printout still scans.
 *
 * @example
 * <img src={qrDataUri('https://exchange.example/credentials/abc')} alt="QR code of the link" />
 */
export function qrDataUri(text: string): string {
  const svg = renderSVG(text, { ecc: 'M', border: 2, pixelSize: 8 });
  return `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
}
