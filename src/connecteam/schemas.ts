import { z } from 'zod';

/** Unknown keys are dropped (Connecteam adds fields freely); what we use is checked strictly. */
const id = z.number().int().nonnegative();

export const assetResponseSchema = z.object({
  data: z.object({
    // An absent or null list means nobody (seen from APIs that omit empty fields).
    permissions: z
      .array(z.object({ userId: id }))
      .nullish()
      .transform((v) => v ?? []),
    assignments: z
      .object({
        userIds: z
          .array(id)
          .nullish()
          .transform((v) => v ?? []),
        // Documented as strings; a numeric id is the same group for our purposes.
        smartGroups: z
          .array(z.union([z.string(), z.number()]).transform(String))
          .nullish()
          .transform((v) => v ?? []),
      })
      .nullish()
      .transform((v) => v ?? { userIds: [], smartGroups: [] }),
  }),
});

export const userSchema = z.object({
  userId: id,
  firstName: z.string().nullish(),
  lastName: z.string().nullish(),
  email: z.string().nullish(),
  userType: z.string().nullish(),
  isArchived: z.boolean().nullish(),
  smartGroupsIds: z.array(z.union([z.number(), z.string()]).transform(String)).nullish(),
});

export const usersResponseSchema = z.object({
  data: z.object({ users: z.array(userSchema) }),
  paging: z
    .object({ offset: z.number().int().optional(), total: z.number().int().nullish() })
    .partial()
    .optional(),
});

const groupSchema = z.object({
  id: z.union([z.number(), z.string()]).transform(String),
  name: z.string().nullish(),
});

/** The OpenAPI document says `data.groups`, the guide `data.smartGroups`: accept both. */
export const smartGroupsResponseSchema = z.object({
  data: z
    .object({ groups: z.array(groupSchema).optional(), smartGroups: z.array(groupSchema).optional() })
    .refine((d) => d.groups !== undefined || d.smartGroups !== undefined, { message: 'no groups list' })
    .transform((d) => [...(d.groups ?? []), ...(d.smartGroups ?? [])]),
});

export const detailSchema = z.object({ detail: z.string() });

export type AssetResponse = z.infer<typeof assetResponseSchema>;
export type ConnecteamUserRecord = z.infer<typeof userSchema>;
