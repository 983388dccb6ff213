DROP INDEX "enrolment_queue_idx";--> statement-breakpoint
CREATE INDEX "enrolment_queue_type_idx" ON "enrolment" USING btree ("state","legal_type","created_at","id");--> statement-breakpoint
CREATE INDEX "enrolment_created_idx" ON "enrolment" USING btree ("created_at","id");--> statement-breakpoint
CREATE INDEX "enrolment_queue_idx" ON "enrolment" USING btree ("state","created_at","id");