import { ApiProperty } from '@nestjs/swagger';

export class LivenessDto {
  @ApiProperty({ enum: ['ok'] })
  status!: 'ok';
}

export class HealthDto extends LivenessDto {
  @ApiProperty({ enum: ['up'] })
  database!: 'up';
}
