import * as z from "zod";

// Each cluster spec is parsed once: zod's JIT-compiled parsers cost more to build than they save.
// zod reads the setting when a schema is constructed, so this module must be evaluated before any
// module that builds schemas: the entry points import it first.
z.config({ jitless: true });
