// Starts Swagger UI on the OpenAPI document named by <body data-spec>. Nothing is fetched from
// another host: the validator badge (which would ask validator.swagger.io) is off.
window.addEventListener('DOMContentLoaded', () => {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.spec,
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    tryItOutEnabled: false,
    persistAuthorization: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
  });
});
