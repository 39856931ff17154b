import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { CandidateDirectoryRepository } from './candidate-directory.repository';
import { CandidateEntity } from './candidate.entity';
import { CandidateFinderService } from './candidate-finder.service';

/** The candidate directory (table `candidates`) and the finder that matches a meeting against it and the ATS. */
@Module({
  imports: [TypeOrmModule.forFeature([CandidateEntity])],
  providers: [CandidateDirectoryRepository, CandidateFinderService],
  exports: [CandidateDirectoryRepository, CandidateFinderService],
})
export class MatchingModule {}
