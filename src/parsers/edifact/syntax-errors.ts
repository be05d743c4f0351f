/**
 * UN/EDIFACT syntax error codes (data element 0085), as CONTRL reports them in UCI, UCF, UCM, UCS
 * and UCD, and as the validation report's `code` carries them. Only the codes of syntax 3 are
 * used, so that a syntax 3 partner can read every CONTRL we send.
 */
export const SYNTAX_ERRORS = {
  /** The syntax identifier (UNB S001) or version is not one we read. */
  SYNTAX_NOT_SUPPORTED: '2',
  /** The interchange is addressed to someone else. */
  NOT_RECIPIENT: '7',
  /** A value that is not a valid code, date or time. */
  INVALID_VALUE: '12',
  /** A mandatory segment, element, component or trailer is missing. */
  MISSING: '13',
  /** A value valid in the directory but not in this message subset (EANCOM narrows code lists). */
  VALUE_NOT_SUPPORTED: '14',
  /** A segment where the message structure has no place for it. */
  NOT_SUPPORTED_IN_POSITION: '15',
  /** More elements, components or repetitions than the segment or composite defines. */
  TOO_MANY_CONSTITUENTS: '16',
  /** Nothing agreed for this: a message type, directory or partner we have no definition or profile for. */
  NO_AGREEMENT: '17',
  UNSPECIFIED: '18',
  /** A decimal mark that is not the advised one, doubled, or last. */
  INVALID_DECIMAL: '19',
  /** A UNA advising a character that cannot be a service character. */
  INVALID_SERVICE_CHARACTER: '20',
  /** A character outside the repertoire of the declared character set (UNOA, UNOB, ...). */
  INVALID_CHARACTER: '21',
  /** Service characters other than the ones in force (segments ended by line breaks, ...). */
  INVALID_SERVICE_CHARACTERS: '22',
  UNKNOWN_SENDER: '23',
  /** UNB 0035 does not match the partner's mode. */
  TEST_INDICATOR: '25',
  DUPLICATE: '26',
  /** A trailer's reference differs from its header's. */
  REFERENCES_MISMATCH: '28',
  /** A trailer's count differs from what was received. */
  COUNT_MISMATCH: '29',
  /** Messages both inside and outside UNG groups in one interchange. */
  GROUPS_AND_MESSAGES_MIXED: '30',
  /** An interchange or group with nothing in it. */
  LOWER_LEVEL_EMPTY: '32',
  /** A segment outside any message or group. */
  OUTSIDE_MESSAGE: '33',
  TOO_MANY_SEGMENT_REPETITIONS: '35',
  TOO_MANY_GROUP_REPETITIONS: '36',
  /** Letters in a numeric element, digits in an alphabetic one, a misplaced sign. */
  INVALID_TYPE: '37',
  /** A decimal mark with no digit before it (".5"). */
  MISSING_DIGIT_BEFORE_DECIMAL: '38',
  TOO_LONG: '39',
  TOO_SHORT: '40',
} as const;

export type SyntaxErrorCode = (typeof SYNTAX_ERRORS)[keyof typeof SYNTAX_ERRORS];
