// Placeholder so the skeleton builds; the HTTPServer issue replaces it.
