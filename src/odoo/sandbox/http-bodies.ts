/** Werkzeug's HTML error pages, which Odoo answers with outside JSON (400, 404) — clients see these bodies. */
export function werkzeugPage(code: number, title: string, description: string): string {
  return `<!doctype html>\n<html lang=en>\n<title>${code} ${title}</title>\n<h1>${title}</h1>\n<p>${description}</p>\n`;
}

export const WRONG_CONTENT_TYPE = werkzeugPage(400, 'Bad Request',
  'Request inferred type is compatible with [&#39;http&#39;] but &#39;/jsonrpc&#39; is type=&#39;json&#39;.');
export const INVALID_JSON = werkzeugPage(400, 'Bad Request', 'Invalid JSON data');
export const NOT_FOUND = werkzeugPage(404, 'Not Found', 'The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.');
/** What nginx in front of a stopped Odoo answers. */
export const SERVICE_UNAVAILABLE = '<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';
