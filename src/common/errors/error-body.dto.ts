import { ApiProperty } from '@nestjs/swagger';
import { ErrorCode } from './error-code';

export class ErrorBodyDto {
  @ApiProperty({ example: 400 })
  statusCode!: number;

  @ApiProperty({ enum: ErrorCode, enumName: 'ErrorCode' })
  code!: ErrorCode;

  @ApiProperty({ example: 'email must be an email' })
  message!: string;
}
