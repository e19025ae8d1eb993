import type * as z from "zod";
import { describeValue } from "../describe-value.js";
import type { PlatformDatabase, PlatformStorage } from "../platform-types.js";
import { checkedString, strictObject } from "../schema-helpers.js";
import { checkResourceGroup } from "../validators/azure.js";
import { checkStorageAccountName, checkStorageContainerName } from "../validators/azure-resources.js";
import { checkDnsSubdomain } from "../validators/dns-label.js";

/** The Blob Storage of a platform: `{ account, container, resourceGroup? }` (see `PlatformStorageInput`). */
export const platformStorageSchema = strictObject("the Blob Storage: { account, container, resourceGroup? }", {
  account: checkedString("the storage account name, e.g. \"stmldevflyte\"", checkStorageAccountName),
  container: checkedString("the blob container, e.g. \"flyte\"", checkStorageContainerName),
  resourceGroup: checkedString("the resource group of the storage account", checkResourceGroup).optional(),
});

/** A PostgreSQL host name. */
export const checkPlatformHost = (value: string) =>
  /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(value) && value.length <= 253
    ? undefined
    : `expected a host name such as "psql-ml-dev.postgres.database.azure.com", got ${describeValue(value)}`;

/** A PostgreSQL database or role name. */
export const checkPostgresIdentifier = (value: string) =>
  /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(value) ? undefined : `expected a PostgreSQL name (letters, digits, '_'; at most 63), got ${describeValue(value)}`;

/** The PostgreSQL database of a platform: `{ host, database?, username?, passwordSecret? }` (see `PlatformDatabaseInput`). */
export const platformDatabaseSchema = strictObject("the PostgreSQL database: { host, database?, username?, passwordSecret? }", {
  host: checkedString("the PostgreSQL flexible server host name", checkPlatformHost),
  database: checkedString("the database name", checkPostgresIdentifier).optional(),
  username: checkedString("the database login", checkPostgresIdentifier).optional(),
  passwordSecret: checkedString("the name of the SOPS-encrypted Secret holding the password", checkDnsSubdomain).optional(),
});

/** The storage with its default resource group (the cluster's). */
export function platformStorage(parsed: z.output<typeof platformStorageSchema>, cluster: { readonly azure: { readonly resourceGroup: string } }): PlatformStorage {
  return { ...parsed, resourceGroup: parsed.resourceGroup ?? cluster.azure.resourceGroup };
}

/** The database with its defaults: database and login `name` (e.g. "flyte"), password Secret `<name>-db`. */
export function platformDatabase(parsed: z.output<typeof platformDatabaseSchema>, name: string): PlatformDatabase {
  return {
    host: parsed.host,
    database: parsed.database ?? name,
    username: parsed.username ?? name,
    passwordSecret: parsed.passwordSecret ?? `${name}-db`,
  };
}
