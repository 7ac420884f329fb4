// Imported first by the entry: puts the remembered 长辈模式 class on <html> before React paints.
import { applyElderly } from './elderly.js';

applyElderly();
