ALTER TABLE "installation" ADD COLUMN "provider_neq" text;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "places_total" integer;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "places_under_18_months" integer;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "latitude" double precision;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "longitude" double precision;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "public_latitude" double precision;--> statement-breakpoint
ALTER TABLE "installation" ADD COLUMN "public_longitude" double precision;--> statement-breakpoint
CREATE INDEX "installation_provider_neq_idx" ON "installation" USING btree ("provider_neq");--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_provider_neq_check" CHECK ("installation"."provider_neq" is null or ("installation"."kind" = 'home_provider' and "installation"."provider_neq" ~ '^[0-9]{10}$'));--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_places_check" CHECK (("installation"."places_total" is null and "installation"."places_under_18_months" is null) or ("installation"."places_total" >= 0 and "installation"."places_under_18_months" >= 0 and "installation"."places_under_18_months" <= "installation"."places_total"));--> statement-breakpoint
ALTER TABLE "installation" ADD CONSTRAINT "installation_position_check" CHECK (("installation"."latitude" is null and "installation"."longitude" is null and "installation"."public_latitude" is null and "installation"."public_longitude" is null) or ("installation"."latitude" between -90 and 90 and "installation"."longitude" between -180 and 180 and "installation"."public_latitude" is not null and "installation"."public_longitude" is not null));