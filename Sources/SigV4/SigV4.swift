// Placeholder so the skeleton builds.
