/** Kinds of blind index of a person's numbers (see PiiCipher.blindIndex): one key, separate spaces. */
export const BLIND_ID_NUMBER = 'person.id_number';
export const BLIND_PHONE = 'person.phone';
