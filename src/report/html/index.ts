import { collectReportData, type HtmlReportOptions, type ReportJournal } from './report-data.js';
import { renderHtmlReport } from './render.js';

export { collectReportData, type HtmlReportData, type HtmlReportOptions, type ReportJournal, type ActionRow } from './report-data.js';
export { renderHtmlReport } from './render.js';
export { maskLogin, maskEmailsIn } from './mask.js';

/** The customer report of a journal as one self-contained HTML string. */
export function htmlReport(journal: ReportJournal, options: HtmlReportOptions): string {
  return renderHtmlReport(collectReportData(journal, options));
}
