import { describe, expect, it } from 'vitest';

import { html } from './html.js';

describe('dashboard markup', () => {
  it('escapes every value but nested templates', () => {
    const hostile = `<script>alert("x")</script>' onload='x`;
    const markup = html`<p title="${hostile}">${hostile}${html`<b>${'&'}</b>`}</p>`.markup;
    expect(markup).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x">' +
        '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onload=&#39;x<b>&amp;</b></p>',
    );
  });

  it('joins arrays and renders nothing for undefined, null and false', () => {
    expect(html`${[1, html`<i>2</i>`]}${undefined}${null}${false}${0}`.markup).toBe('1<i>2</i>0');
  });
});
