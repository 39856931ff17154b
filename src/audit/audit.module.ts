import { Module } from '@nestjs/common';
import { AuditService } from './audit.service';

/** Who changed what: the audit log (table `admin_audit`); its admin route is in admin/. */
@Module({
  providers: [AuditService],
  exports: [AuditService],
})
export class AuditModule {}
