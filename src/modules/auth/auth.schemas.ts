import Joi from 'joi';
import { email } from '../../shared/joi';

// no password policy here: login must answer "invalid" the same way for any wrong input
export const login = { body: Joi.object({ email: email().required(), password: Joi.string().min(1).max(1024).required() }) };
