// Generated from the server's GET /api/openapi.json by `npm run client:types`
// (scripts/client-types.ts, openapi-typescript). Do not edit: regenerate.
export interface paths {
    "/api/admin/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Search the audit log, newest first: by time, event type or family, actor and address */
        get: {
            parameters: {
                query?: {
                    /** @description User id or `system`. */
                    actor?: string;
                    /** @description An event type (`auth.login.failure`) or a family (`auth.*`). */
                    event?: string;
                    /** @description ISO-8601 instant: entries at or after it. */
                    from?: string;
                    /** @description Client address, any spelling of it. */
                    ip?: string;
                    page?: number;
                    perPage?: number;
                    /** @description Skip counting: `totalItems` and `totalPages` are -1. */
                    skipTotal?: boolean;
                    /** @description ISO-8601 instant: entries at or before it. */
                    to?: string;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                actor: string | null;
                                at: string;
                                details: {
                                    [key: string]: unknown;
                                };
                                id: string;
                                ip: string | null;
                                requestId: string | null;
                                seq: number;
                                type: string;
                            }[];
                            page: number;
                            perPage: number;
                            totalItems: number;
                            totalPages: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/bans": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Addresses banned now */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                ip: string;
                                reason: string;
                                since: string;
                                until: string;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/bans/{ip}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Lift a ban (step-up required): name the banned key as listed, or any spelling of an address it covers */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    ip: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/collections": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All collections */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                fields: {
                                    /** @description with hidden: callers the create/update rule admits may also write the field */
                                    clientWritable?: boolean;
                                    collection?: string;
                                    encrypted?: boolean;
                                    /** @description never sent to clients; set by administrators only unless clientWritable */
                                    hidden?: boolean;
                                    max?: number;
                                    /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                                    maxSelect?: number;
                                    /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                                    maxSizeBytes?: number;
                                    min?: number;
                                    name: string;
                                    /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                                    pattern?: string;
                                    required?: boolean;
                                    type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                                    /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                                    types?: string[];
                                    unique?: boolean;
                                    values?: string[];
                                }[];
                                name: string;
                                rules: {
                                    create: string | null;
                                    delete: string | null;
                                    list: string | null;
                                    update: string | null;
                                    view: string | null;
                                };
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a collection and its table */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        fields: {
                            /** @description with hidden: callers the create/update rule admits may also write the field */
                            clientWritable?: boolean;
                            collection?: string;
                            encrypted?: boolean;
                            /** @description never sent to clients; set by administrators only unless clientWritable */
                            hidden?: boolean;
                            max?: number;
                            /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                            maxSelect?: number;
                            /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                            maxSizeBytes?: number;
                            min?: number;
                            name: string;
                            /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                            pattern?: string;
                            required?: boolean;
                            type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                            /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                            types?: string[];
                            unique?: boolean;
                            values?: string[];
                        }[];
                        name: string;
                        rules?: {
                            create?: string | null;
                            delete?: string | null;
                            list?: string | null;
                            update?: string | null;
                            view?: string | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fields: {
                                /** @description with hidden: callers the create/update rule admits may also write the field */
                                clientWritable?: boolean;
                                collection?: string;
                                encrypted?: boolean;
                                /** @description never sent to clients; set by administrators only unless clientWritable */
                                hidden?: boolean;
                                max?: number;
                                /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                                maxSelect?: number;
                                /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                                maxSizeBytes?: number;
                                min?: number;
                                name: string;
                                /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                                pattern?: string;
                                required?: boolean;
                                type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                                /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                                types?: string[];
                                unique?: boolean;
                                values?: string[];
                            }[];
                            name: string;
                            rules: {
                                create: string | null;
                                delete: string | null;
                                list: string | null;
                                update: string | null;
                                view: string | null;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/collections/{name}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One collection */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fields: {
                                /** @description with hidden: callers the create/update rule admits may also write the field */
                                clientWritable?: boolean;
                                collection?: string;
                                encrypted?: boolean;
                                /** @description never sent to clients; set by administrators only unless clientWritable */
                                hidden?: boolean;
                                max?: number;
                                /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                                maxSelect?: number;
                                /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                                maxSizeBytes?: number;
                                min?: number;
                                name: string;
                                /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                                pattern?: string;
                                required?: boolean;
                                type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                                /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                                types?: string[];
                                unique?: boolean;
                                values?: string[];
                            }[];
                            name: string;
                            rules: {
                                create: string | null;
                                delete: string | null;
                                list: string | null;
                                update: string | null;
                                view: string | null;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a collection and its records (confirmDataLoss=true when it has records) */
        delete: {
            parameters: {
                query?: {
                    confirmDataLoss?: boolean;
                };
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change fields or rules; dropping a field with data needs confirmDataLoss */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    name: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        confirmDataLoss?: boolean;
                        fields?: {
                            /** @description with hidden: callers the create/update rule admits may also write the field */
                            clientWritable?: boolean;
                            collection?: string;
                            encrypted?: boolean;
                            /** @description never sent to clients; set by administrators only unless clientWritable */
                            hidden?: boolean;
                            max?: number;
                            /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                            maxSelect?: number;
                            /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                            maxSizeBytes?: number;
                            min?: number;
                            name: string;
                            /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                            pattern?: string;
                            required?: boolean;
                            type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                            /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                            types?: string[];
                            unique?: boolean;
                            values?: string[];
                        }[];
                        rules?: {
                            create?: string | null;
                            delete?: string | null;
                            list?: string | null;
                            update?: string | null;
                            view?: string | null;
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            fields: {
                                /** @description with hidden: callers the create/update rule admits may also write the field */
                                clientWritable?: boolean;
                                collection?: string;
                                encrypted?: boolean;
                                /** @description never sent to clients; set by administrators only unless clientWritable */
                                hidden?: boolean;
                                max?: number;
                                /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                                maxSelect?: number;
                                /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                                maxSizeBytes?: number;
                                min?: number;
                                name: string;
                                /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                                pattern?: string;
                                required?: boolean;
                                type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                                /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                                types?: string[];
                                unique?: boolean;
                                values?: string[];
                            }[];
                            name: string;
                            rules: {
                                create: string | null;
                                delete: string | null;
                                list: string | null;
                                update: string | null;
                                view: string | null;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/admin/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * This instance's recent security counters and request latency
         * @description Each instance answers with its own in-memory history, kept since it started: one sample a minute for the last hour (each the counts within that minute), the minute under way as the last sample, and the totals since start. Behind a load balancer, successive calls may reach different instances; for a whole cluster, scrape `GET /metrics` with Prometheus.
         */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            intervalSeconds: number;
                            samples: {
                                bansIssued: number;
                                denials: {
                                    /** @description Requests refused by the CSRF check. */
                                    csrf: number;
                                    /** @description Requests refused with 429. */
                                    rateLimit: number;
                                    /** @description Record operations denied by a collection rule. */
                                    rules: number;
                                };
                                latencyMs: {
                                    /** @description Mean time to answer a request in the interval; null without requests. */
                                    mean: number | null;
                                    /** @description 95th percentile, interpolated within the histogram bucket; null without requests. */
                                    p95: number | null;
                                };
                                requests: number;
                                signIns: {
                                    failure: number;
                                    /** @description Passwords accepted that still owed a second factor. */
                                    secondFactorRequired: number;
                                    success: number;
                                    throttled: number;
                                };
                                /** @description End of the interval. */
                                time: string;
                            }[];
                            /** @description When this instance started keeping the history. */
                            startedAt: string;
                            totals: {
                                bansIssued: number;
                                denials: {
                                    /** @description Requests refused by the CSRF check. */
                                    csrf: number;
                                    /** @description Requests refused with 429. */
                                    rateLimit: number;
                                    /** @description Record operations denied by a collection rule. */
                                    rules: number;
                                };
                                requests: number;
                                signIns: {
                                    failure: number;
                                    /** @description Passwords accepted that still owed a second factor. */
                                    secondFactorRequired: number;
                                    success: number;
                                    throttled: number;
                                };
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/schema": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Every collection definition as one schema file (stable order, with a format version) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description every collection definition: what GET returns, PUT takes */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            collections: {
                                fields: {
                                    /** @description with hidden: callers the create/update rule admits may also write the field */
                                    clientWritable?: boolean;
                                    collection?: string;
                                    encrypted?: boolean;
                                    /** @description never sent to clients; set by administrators only unless clientWritable */
                                    hidden?: boolean;
                                    max?: number;
                                    /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                                    maxSelect?: number;
                                    /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                                    maxSizeBytes?: number;
                                    min?: number;
                                    name: string;
                                    /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                                    pattern?: string;
                                    required?: boolean;
                                    type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                                    /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                                    types?: string[];
                                    unique?: boolean;
                                    values?: string[];
                                }[];
                                name: string;
                                rules?: {
                                    create?: string | null;
                                    delete?: string | null;
                                    list?: string | null;
                                    update?: string | null;
                                    view?: string | null;
                                };
                            }[];
                            /** @enum {string} */
                            format: "bulwark-schema";
                            /** @enum {number} */
                            version: 1;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        /** Apply a schema file in one transaction: collections added, changed and removed to match it; dropping data needs confirmDataLoss */
        put: {
            parameters: {
                query?: {
                    /** @description allow dropping collections and fields that hold data */
                    confirmDataLoss?: boolean;
                    /** @description apply, report, then roll back: nothing changes */
                    dryRun?: boolean;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            /** @description every collection definition: what GET returns, PUT takes */
            requestBody: {
                content: {
                    "application/json": {
                        collections: {
                            fields: {
                                /** @description with hidden: callers the create/update rule admits may also write the field */
                                clientWritable?: boolean;
                                collection?: string;
                                encrypted?: boolean;
                                /** @description never sent to clients; set by administrators only unless clientWritable */
                                hidden?: boolean;
                                max?: number;
                                /** @description file fields: 1 holds one file (replaced by the next upload), more hold a list */
                                maxSelect?: number;
                                /** @description file fields: largest file accepted, at most `files.maxUploadBytes` */
                                maxSizeBytes?: number;
                                min?: number;
                                name: string;
                                /** @description RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value */
                                pattern?: string;
                                required?: boolean;
                                type: "text" | "number" | "bool" | "email" | "url" | "date" | "json" | "select" | "relation" | "file";
                                /** @description file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf) */
                                types?: string[];
                                unique?: boolean;
                                values?: string[];
                            }[];
                            name: string;
                            rules?: {
                                create?: string | null;
                                delete?: string | null;
                                list?: string | null;
                                update?: string | null;
                                view?: string | null;
                            };
                        }[];
                        /** @enum {string} */
                        format: "bulwark-schema";
                        /** @enum {number} */
                        version: 1;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            dataLoss: {
                                collection: string;
                                count: number;
                                field: string | null;
                            }[];
                            plan: {
                                added: string[];
                                changed: {
                                    fieldsAdded: string[];
                                    fieldsChanged: {
                                        name: string;
                                        options: string[];
                                    }[];
                                    fieldsDropped: string[];
                                    fieldsReordered: boolean;
                                    name: string;
                                    rulesChanged: ("list" | "view" | "create" | "update" | "delete")[];
                                }[];
                                removed: string[];
                            };
                            status: "applied" | "unchanged" | "dry-run" | "refused";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/security/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Configuration findings that hold now, with their fixes, and audit entries of the last 24 hours counted by event family and type */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            events: {
                                count: number;
                                name: string;
                            }[];
                            families: {
                                count: number;
                                name: string;
                            }[];
                            findings: {
                                fix: string;
                                id: string;
                                message: string;
                                severity: "high" | "medium" | "low";
                            }[];
                            from: string;
                            to: string;
                            total: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Incident response: end every user's sessions and token families, the caller's own included (API keys stay; revoke them per user) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/sessions/summary": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** How many sessions and token families are live, and of how many users: what ending everyone's would end */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Sessions and token families not past their lifetime. */
                            sessions: number;
                            /** @description Users holding at least one of them. */
                            users: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create the first administrator with the one-time set-up token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        password: string;
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Users, oldest first; `email` filters by a case-insensitive prefix */
        get: {
            parameters: {
                query?: {
                    /** @description Case-insensitive prefix of the email address. */
                    email?: string;
                    page?: number;
                    perPage?: number;
                };
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                created: string;
                                disabled: boolean;
                                email: string;
                                id: string;
                                mfaEnrolled: boolean;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            }[];
                            page: number;
                            perPage: number;
                            totalItems: number;
                            totalPages: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/users/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Delete a user with its sessions, token families, API keys and second factors */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a user's role or disable it; either ends the user's sessions and token families and revokes its API keys at once */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        disabled?: boolean;
                        role?: "user" | "admin";
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: string;
                            disabled: boolean;
                            email: string;
                            id: string;
                            mfaEnrolled: boolean;
                            name: string | null;
                            role: "user" | "admin";
                            verified: boolean;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/admin/users/{id}/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** A user's sessions and token families */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                created: string;
                                expires: string;
                                id: string;
                                ip: string | null;
                                kind: "cookie" | "bearer";
                                lastSeen: string;
                                userAgent: string | null;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** End all of a user's sessions and token families and revoke its API keys */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/webhooks": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** All webhooks (never their secrets) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                created: string;
                                events: string[];
                                id: string;
                                /** @description Deliveries queued and not yet sent (status `pending`); deleting the webhook drops them. */
                                pendingDeliveries: number;
                                url: string;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Register a webhook; the answer carries its signing secret, shown only this once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Event names (`record.created`) or family patterns (`record.*`, `user.*`). */
                        events: string[];
                        /** @description A Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes). Left out: one is generated. */
                        secret?: string;
                        /** @description Where deliveries are POSTed. */
                        url: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: string;
                            events: string[];
                            id: string;
                            /** @description Deliveries queued and not yet sent (status `pending`); deleting the webhook drops them. */
                            pendingDeliveries: number;
                            /** @description Shown only in this answer; store it now. */
                            secret: string;
                            url: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/webhooks/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One webhook (never its secret) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: string;
                            events: string[];
                            id: string;
                            /** @description Deliveries queued and not yet sent (status `pending`); deleting the webhook drops them. */
                            pendingDeliveries: number;
                            url: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a webhook with its queued deliveries and delivery log */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/webhooks/{id}/deliveries": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Delivery log of a webhook, newest first: status, attempts, last HTTP status, latency, next attempt */
        get: {
            parameters: {
                query?: {
                    page?: number;
                    perPage?: number;
                };
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                attempts: number;
                                created: string;
                                event: string;
                                /** @description The `webhook-id` header of every attempt. */
                                id: string;
                                /** @description `http-<status>`, `timeout`, `network`, `dns`, `too-large` or `refused:<reason>`. */
                                lastError: string | null;
                                /** @description HTTP status of the last answer. */
                                lastStatus: number | null;
                                /** @description Duration of the last attempt. */
                                latencyMs: number | null;
                                /** @description When a pending delivery is tried next. */
                                nextAttempt: string | null;
                                status: "pending" | "succeeded" | "failed" | "dead";
                                updated: string;
                            }[];
                            page: number;
                            perPage: number;
                            totalItems: number;
                            totalPages: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/admin/webhooks/{id}/test": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Queue a signed `webhook.test` event for this webhook */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            deliveryId: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/csrf": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** CSRF token for this browser session (a new one after every change of session id) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            token: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/email/change": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change my email (step-up required; confirmed from the new address when mail is on) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/email/change/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm an email change with the token mailed to the new address */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/email/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Spend a mailed verification token */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/login": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with a browser session cookie */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code?: string;
                        /** Format: email */
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/logout": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** End this sign-in: session or token family */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/me": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** The signed-in user */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description Browser sessions: ended after this long without a request. */
                            idleTimeoutSeconds?: number;
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/mfa": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My second factors, and whether the policy requires one */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            enrolled: boolean;
                            passkeys: number;
                            recoveryCodesLeft: number;
                            required: boolean;
                            totp: boolean;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/mfa/recovery-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace all recovery codes (needs a recent password and second factor) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recoveryCodes: string[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/mfa/totp": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove the authenticator app (needs a recent password and second factor) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/mfa/totp/confirm": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Confirm TOTP with a first code; returns 10 single-use recovery codes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            recoveryCodes: string[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/mfa/totp/setup": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Start TOTP enrolment: a secret and an otpauth:// URL for the authenticator app */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            otpauthUrl: string;
                            secret: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/mfa/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Complete a sign-in that owes its second factor, with a TOTP or recovery code */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        } | {
                            accessToken: string;
                            expiresIn: number;
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            refreshToken?: string;
                            /** @enum {string} */
                            tokenType: "Bearer";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/oidc/{provider}/callback": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Where the provider sends the browser back; signs in and redirects (303) to `next` */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                303: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/oidc/{provider}/start": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Start signing in with an OpenID Connect provider (302 to the provider). `next` must be a path here or an allow-listed address; `link=true` links the provider to the signed-in account */
        get: {
            parameters: {
                query?: {
                    link?: boolean;
                    next?: string;
                };
                header?: never;
                path: {
                    provider: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                302: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password/change": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Change the password; ends every other session */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        currentPassword: string;
                        newPassword: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password/forgot": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Mail a reset link; always 202, whether or not the address exists */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted";
                        };
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/password/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Set a new password with a mailed token; ends every session, signs nobody in */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        password: string;
                        token: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/reauth": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Step-up: confirm the password, a second-factor code or a passkey (or password and code together) to open a window for sensitive actions */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code?: string;
                        password?: string;
                        webauthn?: {
                            authenticatorAttachment?: string;
                            clientExtensionResults?: {
                                [key: string]: unknown;
                            };
                            id: string;
                            rawId: string;
                            response: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            type: "public-key";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            reauthenticatedUntil: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/refresh": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Rotate access and refresh tokens; a reused refresh token revokes the family */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        refreshToken: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessToken: string;
                            expiresIn: number;
                            refreshToken: string;
                            /** @enum {string} */
                            tokenType: "Bearer";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/register": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Create an account (202 and a mailed link when email verification is on) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** Format: email */
                        email: string;
                        name?: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        };
                    };
                };
                /** @description Default Response */
                202: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "accepted";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My sessions and token families */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                created: string;
                                current: boolean;
                                expires: string;
                                id: string;
                                ip: string | null;
                                kind: "cookie" | "bearer";
                                lastSeen: string;
                                userAgent: string | null;
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** End all my other sessions and token families (needs a recent sign-in) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            revoked: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/sessions/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke one of my sessions */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/token": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in for a non-browser client: access and refresh tokens */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        code?: string;
                        /** Format: email */
                        email: string;
                        password: string;
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            accessToken: string;
                            expiresIn: number;
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            refreshToken?: string;
                            /** @enum {string} */
                            tokenType: "Bearer";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/webauthn/credentials": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My passkeys */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                backedUp: boolean;
                                created: string;
                                id: string;
                                lastUsed: string | null;
                                name: string;
                            }[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/webauthn/credentials/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Remove a passkey (needs a recent password and second factor) */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/webauthn/login/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Options for a passkey assertion: sign-in with a passkey alone, the second step of a sign-in, or (signed in) a step-up */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/webauthn/login/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Sign in with a passkey (a cookie session, or tokens with `mode: "bearer"`), or complete a sign-in that owes its second factor */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        mode?: "cookie" | "bearer";
                        response: {
                            authenticatorAttachment?: string;
                            clientExtensionResults?: {
                                [key: string]: unknown;
                            };
                            id: string;
                            rawId: string;
                            response: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            type: "public-key";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            user: {
                                created: string;
                                email: string;
                                id: string;
                                name: string | null;
                                role: "user" | "admin";
                                verified: boolean;
                            };
                        } | {
                            accessToken: string;
                            expiresIn: number;
                            mfaEnrolmentRequired?: boolean;
                            mfaRequired: boolean;
                            refreshToken?: string;
                            /** @enum {string} */
                            tokenType: "Bearer";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/webauthn/register/options": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Options for registering a passkey (navigator.credentials.create) */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/auth/webauthn/register/verify": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Register a passkey; the first factor of an account also returns recovery codes */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        name?: string;
                        response: {
                            authenticatorAttachment?: string;
                            clientExtensionResults?: {
                                [key: string]: unknown;
                            };
                            id: string;
                            rawId: string;
                            response: {
                                [key: string]: unknown;
                            };
                            /** @enum {string} */
                            type: "public-key";
                        };
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            passkey: {
                                backedUp: boolean;
                                created: string;
                                id: string;
                                lastUsed: string | null;
                                name: string;
                            };
                            recoveryCodes?: string[];
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                401: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/batch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Record writes in one transaction, each under its own rule: all or nothing
         * @description At most `records.batchMaxOperations` (100) operations. An operation that fails answers 400 `BATCH_OPERATION_FAILED` with `failedIndex` and its own problem in `failure`; nothing is written.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        requests: {
                            /** @description the record fields, as the single route takes them */
                            body?: unknown;
                            /** @description `POST`, `PATCH` or `DELETE` */
                            method: string;
                            /** @description `/api/collections/:c/records` (POST) or `/api/collections/:c/records/:id` (PATCH, DELETE) */
                            url: string;
                        }[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @description one per operation, in order: what its single route would have answered */
                            responses: {
                                body?: {
                                    created: string;
                                    id: string;
                                    updated: string;
                                } & {
                                    [key: string]: unknown;
                                };
                                /** @description 201 created, 200 updated, 204 deleted */
                                status: number;
                            }[];
                        };
                    };
                };
                /** @description Default Response */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            code: "HTTP_BAD_REQUEST" | "HTTP_VALIDATION" | "HTTP_MALFORMED_JSON" | "HTTP_JSON_TOO_DEEP" | "HTTP_FORBIDDEN_KEY" | "HTTP_NUL_CHARACTER" | "HTTP_BAD_HOST" | "HTTP_NOT_FOUND" | "HTTP_METHOD_NOT_ALLOWED" | "HTTP_REQUEST_TIMEOUT" | "HTTP_URI_TOO_LONG" | "HTTP_BODY_TOO_LARGE" | "HTTP_UNSUPPORTED_MEDIA_TYPE" | "HTTP_HEADERS_TOO_LARGE" | "HTTP_INTERNAL" | "HTTP_UNAVAILABLE" | "AUTH_REQUIRED" | "AUTH_INVALID_CREDENTIALS" | "AUTH_INVALID_TOKEN" | "AUTH_EMAIL_NOT_VERIFIED" | "AUTH_CSRF" | "AUTH_FORBIDDEN" | "AUTH_STEP_UP_REQUIRED" | "AUTH_WEAK_PASSWORD" | "AUTH_EMAIL_TAKEN" | "AUTH_TOKEN_SPENT" | "AUTH_SETUP_CLOSED" | "AUTH_NOT_FOUND" | "AUTH_MFA_REQUIRED" | "AUTH_MFA_ENROLMENT_REQUIRED" | "AUTH_MFA_SIGN_IN_AGAIN" | "AUTH_INVALID_CODE" | "AUTH_MFA_STATE" | "AUTH_LAST_FACTOR" | "AUTH_PASSKEY_FAILED" | "AUTH_OIDC_UNKNOWN_PROVIDER" | "AUTH_OIDC_FAILED" | "AUTH_OIDC_ACCOUNT_EXISTS" | "AUTH_OIDC_UNAVAILABLE" | "ADMIN_USER_NOT_FOUND" | "ADMIN_SELF_CHANGE" | "ADMIN_LAST_ADMIN" | "HTTP_REDIRECT_NOT_ALLOWED" | "ABUSE_RATE_LIMITED" | "ABUSE_ACCOUNT_THROTTLED" | "ABUSE_BANNED" | "ABUSE_ADDRESS_REFUSED" | "RULE_SYNTAX" | "RULE_TOO_LONG" | "RULE_TOO_DEEP" | "RULE_TOO_MANY_TERMS" | "RULE_UNKNOWN_FIELD" | "RULE_TYPE_MISMATCH" | "RULE_FIELD_NOT_FILTERABLE" | "RULE_UNKNOWN_REQUEST_FIELD" | "COLL_INVALID" | "COLL_EXISTS" | "COLL_NOT_FOUND" | "COLL_DATA_LOSS" | "COLL_IN_USE" | "COLL_UNIQUE_CONFLICT" | "SCHEMA_INVALID" | "REC_NOT_FOUND" | "REC_FORBIDDEN" | "REC_QUERY_TIMEOUT" | "REC_CONFLICT" | "BATCH_TOO_LARGE" | "BATCH_INVALID_OPERATION" | "BATCH_OPERATION_FAILED" | "HOOK_URL_REFUSED" | "HOOK_EVENT_UNKNOWN" | "HOOK_SECRET_INVALID" | "HOOK_NOT_FOUND" | "FILE_TOO_LARGE" | "FILE_TYPE_REFUSED" | "FILE_NOT_MULTIPART" | "FILE_MALFORMED_UPLOAD" | "FILE_FIELD_NOT_FOUND" | "FILE_FIELD_FULL" | "FILE_NOT_FOUND" | "FILE_PENDING_SCAN" | "FILE_LINK_INVALID" | "FILE_RANGE_NOT_SATISFIABLE" | "FILE_STORE_UNAVAILABLE";
                            detail?: string;
                            errors?: {
                                code: string;
                                field: string;
                                message: string;
                            }[];
                            /** @description field errors beyond the first 20, not listed */
                            errorsOmitted?: number;
                            /** @description the operation that failed, from 0 */
                            failedIndex?: number;
                            /** @description the problem its single route would have answered */
                            failure?: {
                                /** @enum {string} */
                                code: "HTTP_BAD_REQUEST" | "HTTP_VALIDATION" | "HTTP_MALFORMED_JSON" | "HTTP_JSON_TOO_DEEP" | "HTTP_FORBIDDEN_KEY" | "HTTP_NUL_CHARACTER" | "HTTP_BAD_HOST" | "HTTP_NOT_FOUND" | "HTTP_METHOD_NOT_ALLOWED" | "HTTP_REQUEST_TIMEOUT" | "HTTP_URI_TOO_LONG" | "HTTP_BODY_TOO_LARGE" | "HTTP_UNSUPPORTED_MEDIA_TYPE" | "HTTP_HEADERS_TOO_LARGE" | "HTTP_INTERNAL" | "HTTP_UNAVAILABLE" | "AUTH_REQUIRED" | "AUTH_INVALID_CREDENTIALS" | "AUTH_INVALID_TOKEN" | "AUTH_EMAIL_NOT_VERIFIED" | "AUTH_CSRF" | "AUTH_FORBIDDEN" | "AUTH_STEP_UP_REQUIRED" | "AUTH_WEAK_PASSWORD" | "AUTH_EMAIL_TAKEN" | "AUTH_TOKEN_SPENT" | "AUTH_SETUP_CLOSED" | "AUTH_NOT_FOUND" | "AUTH_MFA_REQUIRED" | "AUTH_MFA_ENROLMENT_REQUIRED" | "AUTH_MFA_SIGN_IN_AGAIN" | "AUTH_INVALID_CODE" | "AUTH_MFA_STATE" | "AUTH_LAST_FACTOR" | "AUTH_PASSKEY_FAILED" | "AUTH_OIDC_UNKNOWN_PROVIDER" | "AUTH_OIDC_FAILED" | "AUTH_OIDC_ACCOUNT_EXISTS" | "AUTH_OIDC_UNAVAILABLE" | "ADMIN_USER_NOT_FOUND" | "ADMIN_SELF_CHANGE" | "ADMIN_LAST_ADMIN" | "HTTP_REDIRECT_NOT_ALLOWED" | "ABUSE_RATE_LIMITED" | "ABUSE_ACCOUNT_THROTTLED" | "ABUSE_BANNED" | "ABUSE_ADDRESS_REFUSED" | "RULE_SYNTAX" | "RULE_TOO_LONG" | "RULE_TOO_DEEP" | "RULE_TOO_MANY_TERMS" | "RULE_UNKNOWN_FIELD" | "RULE_TYPE_MISMATCH" | "RULE_FIELD_NOT_FILTERABLE" | "RULE_UNKNOWN_REQUEST_FIELD" | "COLL_INVALID" | "COLL_EXISTS" | "COLL_NOT_FOUND" | "COLL_DATA_LOSS" | "COLL_IN_USE" | "COLL_UNIQUE_CONFLICT" | "SCHEMA_INVALID" | "REC_NOT_FOUND" | "REC_FORBIDDEN" | "REC_QUERY_TIMEOUT" | "REC_CONFLICT" | "BATCH_TOO_LARGE" | "BATCH_INVALID_OPERATION" | "BATCH_OPERATION_FAILED" | "HOOK_URL_REFUSED" | "HOOK_EVENT_UNKNOWN" | "HOOK_SECRET_INVALID" | "HOOK_NOT_FOUND" | "FILE_TOO_LARGE" | "FILE_TYPE_REFUSED" | "FILE_NOT_MULTIPART" | "FILE_MALFORMED_UPLOAD" | "FILE_FIELD_NOT_FOUND" | "FILE_FIELD_FULL" | "FILE_NOT_FOUND" | "FILE_PENDING_SCAN" | "FILE_LINK_INVALID" | "FILE_RANGE_NOT_SATISFIABLE" | "FILE_STORE_UNAVAILABLE";
                                detail?: string;
                                errors?: {
                                    code: string;
                                    field: string;
                                    message: string;
                                }[];
                                /** @description field errors beyond the first 20, not listed */
                                errorsOmitted?: number;
                                status: number;
                                /** @description `AUTH_STEP_UP_REQUIRED`: what POST /api/auth/reauth must send before the request is repeated */
                                stepUpWith?: ("password" | "code")[];
                                title: string;
                                /** Format: uri */
                                type: string;
                            };
                            requestId: string;
                            status: number;
                            /** @description `AUTH_STEP_UP_REQUIRED`: what POST /api/auth/reauth must send before the request is repeated */
                            stepUpWith?: ("password" | "code")[];
                            title: string;
                            /** Format: uri */
                            type: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/collections/{c}/records": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** List the records the list rule lets you see */
        get: {
            parameters: {
                query?: {
                    filter?: string;
                    page?: number;
                    /** @description capped at 500 */
                    perPage?: number;
                    /** @description 1 answers without counting: `totalItems` and `totalPages` are then -1 */
                    skipTotal?: number;
                    sort?: string;
                };
                header?: never;
                path: {
                    c: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: ({
                                created: string;
                                id: string;
                                updated: string;
                            } & {
                                [key: string]: unknown;
                            })[];
                            page: number;
                            perPage: number;
                            totalItems: number;
                            totalPages: number;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        /** Create a record, if the create rule allows */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: string;
                            id: string;
                            updated: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/collections/{c}/records/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** One record, if the view rule allows */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: string;
                            id: string;
                            updated: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete a record, if the delete rule allows */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        /** Change a record, if the update rule allows */
        patch: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            created: string;
                            id: string;
                            updated: string;
                        } & {
                            [key: string]: unknown;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        trace?: never;
    };
    "/api/collections/{c}/records/{id}/files/{field}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Upload one file (multipart part `file`) to a file field, if the update rule allows
         * @description The type is read from the bytes and must be one the field lists; the size is checked while streaming.
         */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    field: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            id: string;
                            name: string;
                            size: number;
                            status: string;
                            type: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                413: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                415: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/collections/{c}/records/{id}/files/{field}/{fileId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a file with your credentials, if the record’s view rule allows */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    field: string;
                    fileId: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file’s bytes, typed as sniffed at upload */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description The file’s bytes, typed as sniffed at upload */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                416: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        /** Delete one file of a record, if the update rule allows */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    field: string;
                    fileId: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/collections/{c}/records/{id}/files/{field}/{fileId}/link": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** A short-lived signed download link, if the record’s view rule allows */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    c: string;
                    field: string;
                    fileId: string;
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** Format: date-time */
                            expiresAt: string;
                            url: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/files/{fileId}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Download a file through a signed link (no credentials needed until it expires) */
        get: {
            parameters: {
                query?: {
                    expires?: string;
                    sig?: string;
                };
                header?: never;
                path: {
                    fileId: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description The file’s bytes, typed as sniffed at upload */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description The file’s bytes, typed as sniffed at upload */
                206: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": unknown;
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                409: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                416: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Liveness probe */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            /** @enum {string} */
                            status: "ok";
                        };
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** My API keys (never the keys themselves) */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            items: {
                                created: string;
                                expires: string;
                                id: string;
                                lastUsed: string | null;
                                /** @description Made by `bulwark keys create --admin` on the server: it works while its owner has no second factor yet. Rotating it gives an ordinary key. */
                                madeFromShell: boolean;
                                name: string;
                                prefix: string;
                                /** @description The key that replaced this one; `expires` is then the end of the rotation overlap. */
                                replacedBy: string | null;
                                revoked: boolean;
                                /** @description The key this one replaced by rotation. */
                                rotatedFrom: string | null;
                                scopes: string[];
                            }[];
                        };
                    };
                };
            };
        };
        put?: never;
        /** Create an API key; the key is shown once */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody: {
                content: {
                    "application/json": {
                        /** @description Seconds until the key expires (mandatory). */
                        expiresIn: number;
                        name: string;
                        scopes: ("profile:read" | "records:read" | "records:write" | "files:read" | "files:write" | "admin")[];
                    };
                };
            };
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apiKey: {
                                created: string;
                                expires: string;
                                id: string;
                                lastUsed: string | null;
                                /** @description Made by `bulwark keys create --admin` on the server: it works while its owner has no second factor yet. Rotating it gives an ordinary key. */
                                madeFromShell: boolean;
                                name: string;
                                prefix: string;
                                /** @description The key that replaced this one; `expires` is then the end of the rotation overlap. */
                                replacedBy: string | null;
                                revoked: boolean;
                                /** @description The key this one replaced by rotation. */
                                rotatedFrom: string | null;
                                scopes: string[];
                            };
                            key: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                400: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
                /** @description RFC 9457 problem details */
                403: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** Revoke a key at once */
        delete: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                204: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content?: never;
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/keys/{id}/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** Replace a key; the old one works for the overlap */
        post: {
            parameters: {
                query?: never;
                header?: never;
                path: {
                    id: string;
                };
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                201: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            apiKey: {
                                created: string;
                                expires: string;
                                id: string;
                                lastUsed: string | null;
                                /** @description Made by `bulwark keys create --admin` on the server: it works while its owner has no second factor yet. Rotating it gives an ordinary key. */
                                madeFromShell: boolean;
                                name: string;
                                prefix: string;
                                /** @description The key that replaced this one; `expires` is then the end of the rotation overlap. */
                                replacedBy: string | null;
                                revoked: boolean;
                                /** @description The key this one replaced by rotation. */
                                rotatedFrom: string | null;
                                scopes: string[];
                            };
                            key: string;
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                404: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/ready": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** Readiness probe: database and stores reachable */
        get: {
            parameters: {
                query?: never;
                header?: never;
                path?: never;
                cookie?: never;
            };
            requestBody?: never;
            responses: {
                /** @description Default Response */
                200: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": {
                            checks: {
                                [key: string]: "ok" | "down";
                            };
                            /** @enum {string} */
                            status: "ready";
                        };
                    };
                };
                /** @description RFC 9457 problem details */
                503: {
                    headers: {
                        [name: string]: unknown;
                    };
                    content: {
                        "application/json": components["schemas"]["Problem"];
                    };
                };
            };
        };
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description RFC 9457 problem details */
        Problem: {
            /** @enum {string} */
            code: "HTTP_BAD_REQUEST" | "HTTP_VALIDATION" | "HTTP_MALFORMED_JSON" | "HTTP_JSON_TOO_DEEP" | "HTTP_FORBIDDEN_KEY" | "HTTP_NUL_CHARACTER" | "HTTP_BAD_HOST" | "HTTP_NOT_FOUND" | "HTTP_METHOD_NOT_ALLOWED" | "HTTP_REQUEST_TIMEOUT" | "HTTP_URI_TOO_LONG" | "HTTP_BODY_TOO_LARGE" | "HTTP_UNSUPPORTED_MEDIA_TYPE" | "HTTP_HEADERS_TOO_LARGE" | "HTTP_INTERNAL" | "HTTP_UNAVAILABLE" | "AUTH_REQUIRED" | "AUTH_INVALID_CREDENTIALS" | "AUTH_INVALID_TOKEN" | "AUTH_EMAIL_NOT_VERIFIED" | "AUTH_CSRF" | "AUTH_FORBIDDEN" | "AUTH_STEP_UP_REQUIRED" | "AUTH_WEAK_PASSWORD" | "AUTH_EMAIL_TAKEN" | "AUTH_TOKEN_SPENT" | "AUTH_SETUP_CLOSED" | "AUTH_NOT_FOUND" | "AUTH_MFA_REQUIRED" | "AUTH_MFA_ENROLMENT_REQUIRED" | "AUTH_MFA_SIGN_IN_AGAIN" | "AUTH_INVALID_CODE" | "AUTH_MFA_STATE" | "AUTH_LAST_FACTOR" | "AUTH_PASSKEY_FAILED" | "AUTH_OIDC_UNKNOWN_PROVIDER" | "AUTH_OIDC_FAILED" | "AUTH_OIDC_ACCOUNT_EXISTS" | "AUTH_OIDC_UNAVAILABLE" | "ADMIN_USER_NOT_FOUND" | "ADMIN_SELF_CHANGE" | "ADMIN_LAST_ADMIN" | "HTTP_REDIRECT_NOT_ALLOWED" | "ABUSE_RATE_LIMITED" | "ABUSE_ACCOUNT_THROTTLED" | "ABUSE_BANNED" | "ABUSE_ADDRESS_REFUSED" | "RULE_SYNTAX" | "RULE_TOO_LONG" | "RULE_TOO_DEEP" | "RULE_TOO_MANY_TERMS" | "RULE_UNKNOWN_FIELD" | "RULE_TYPE_MISMATCH" | "RULE_FIELD_NOT_FILTERABLE" | "RULE_UNKNOWN_REQUEST_FIELD" | "COLL_INVALID" | "COLL_EXISTS" | "COLL_NOT_FOUND" | "COLL_DATA_LOSS" | "COLL_IN_USE" | "COLL_UNIQUE_CONFLICT" | "SCHEMA_INVALID" | "REC_NOT_FOUND" | "REC_FORBIDDEN" | "REC_QUERY_TIMEOUT" | "REC_CONFLICT" | "BATCH_TOO_LARGE" | "BATCH_INVALID_OPERATION" | "BATCH_OPERATION_FAILED" | "HOOK_URL_REFUSED" | "HOOK_EVENT_UNKNOWN" | "HOOK_SECRET_INVALID" | "HOOK_NOT_FOUND" | "FILE_TOO_LARGE" | "FILE_TYPE_REFUSED" | "FILE_NOT_MULTIPART" | "FILE_MALFORMED_UPLOAD" | "FILE_FIELD_NOT_FOUND" | "FILE_FIELD_FULL" | "FILE_NOT_FOUND" | "FILE_PENDING_SCAN" | "FILE_LINK_INVALID" | "FILE_RANGE_NOT_SATISFIABLE" | "FILE_STORE_UNAVAILABLE";
            detail?: string;
            errors?: {
                code: string;
                field: string;
                message: string;
            }[];
            /** @description field errors beyond the first 20, not listed */
            errorsOmitted?: number;
            requestId: string;
            status: number;
            /** @description `AUTH_STEP_UP_REQUIRED`: what POST /api/auth/reauth must send before the request is repeated */
            stepUpWith?: ("password" | "code")[];
            title: string;
            /** Format: uri */
            type: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export type operations = Record<string, never>;
