/// <reference types="vite/client" />
// For the panel's stylesheet import (main.ts) under TypeScript's checked side-effect imports.
