// The API explorer: Swagger UI on the gateway's live document. No inline script (the page's
// Content-Security-Policy allows scripts from this origin only); requests go to this origin.
window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  tryItOutEnabled: false,
  displayOperationId: true,
  validatorUrl: null, // no badge fetched from a validator on the internet
  defaultModelsExpandDepth: -1, // the schemas are shown with each operation
});
