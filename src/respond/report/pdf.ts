/**
 * Printing a report's HTML to PDF with the Chromium the system installs (CI installs Debian's),
 * through `playwright-core`. The page is set from the string, so nothing is fetched. The
 * driver is loaded on the first print (it is large), so commands that print nothing never load it.
 */

/** The Chromium binary and flags every print uses. */
export const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
} as const;

/** Prints `html` to a PDF (A4) and returns its bytes. */
export async function printPdf(html: string): Promise<Buffer> {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM.executablePath, args: [...CHROMIUM.args] });
  try {
    const page = await browser.newPage();
    // Refuse any request the page might make: the report is self-contained.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(html, { waitUntil: 'load' });
    return await page.pdf({ format: 'A4', printBackground: true, margin: { top: '15mm', bottom: '15mm', left: '12mm', right: '12mm' } });
  } finally {
    await browser.close();
  }
}
