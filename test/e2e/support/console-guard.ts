/**
 * Setup file of the e2e and live projects: a test fails when a page opened through `openApp`
 * logged a console error or threw while it ran. Harmless for tests that open no page.
 */
import { afterEach, beforeEach, expect } from 'vitest'
import { consoleErrors } from './console-errors'

beforeEach(() => {
  consoleErrors.length = 0
})

afterEach(() => {
  const errors = consoleErrors.splice(0)
  expect(errors, 'console errors in the page').toEqual([])
})
